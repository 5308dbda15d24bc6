"""A real VS Code (code-server, driven through headless Chromium) with the built .vsix installed,
used as a person would: type a deviating function into a file of a scanned workspace, save, read
the Problems panel; hover; apply the quick fix, save, see the problem gone; explain a convention;
fix on save; back up the database. And a hostile repository opened in Restricted Mode.

Needs what `editors/vscode/e2e/install.sh` installs (code-server, Chromium) and the extension's
npm dependencies (`npm ci` in editors/vscode); `.ci/run` provides both. Skipped, saying which is
missing, when they are not there.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import SMALL_REPO_LEARNING, python_repo

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "editors" / "vscode"
VSIX = EXTENSION / "drift-lsp.vsix"
CACHE = Path(os.environ.get("DRIFT_VSCODE_E2E", Path.home() / ".cache" / "drift-vscode-e2e"))
CODE_SERVER = CACHE / "code-server" / "node_modules" / ".bin" / "code-server"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Every wait below is a bound on how long to look for something that should happen, so a broken
# build fails instead of hanging; none is a threshold on how fast it happens.
WAIT_MS = 90_000

pytestmark = pytest.mark.vscode


def _missing() -> str | None:
    if not CODE_SERVER.exists():
        return f"no code-server at {CODE_SERVER}: run editors/vscode/e2e/install.sh"
    if not CHROMIUM.exists():
        return "no /usr/bin/chromium: run editors/vscode/e2e/install.sh"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "no playwright: install the test extra"
    if not (EXTENSION / "node_modules").is_dir() and not VSIX.exists():
        return "no editors/vscode/node_modules to build the .vsix: run npm ci there"
    return None


if _missing():
    pytest.skip(_missing(), allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


def _vsix() -> Path:
    """The .vsix of the extension as it is in this checkout, built again when a source changed."""
    sources = [EXTENSION / "package.json", *(EXTENSION / "src").glob("*.ts")]
    if not VSIX.exists() or max(p.stat().st_mtime for p in sources) > VSIX.stat().st_mtime:
        subprocess.run(["npm", "run", "package"], cwd=EXTENSION, check=True, timeout=600)
    return VSIX


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = python_repo(tmp_path / "repo")
    learning = {"autoApproveThreshold": 0.8, **SMALL_REPO_LEARNING}
    (root / "drift.config.json").write_text(json.dumps({"learning": learning}))
    subprocess.run(
        [sys.executable, "-m", "drift_lsp.cli", "scan"], cwd=root, check=True, timeout=120
    )
    return root


# Settings every session starts with: nothing that pops up or reaches out, and typed text
# landing as typed (no completion, auto-closing or auto-indent).
QUIET_SETTINGS = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.enableExperiments": False,
    "telemetry.telemetryLevel": "off",
    "extensions.autoUpdate": False,
    "extensions.autoCheckUpdates": False,
    "update.mode": "none",
    "editor.quickSuggestions": {"other": False, "comments": False, "strings": False},
    "editor.suggestOnTriggerCharacters": False,
    "editor.autoClosingBrackets": "never",
    "editor.autoClosingQuotes": "never",
    "editor.autoIndent": "none",
    "editor.hover.delay": 100,
    "files.autoSave": "off",
}


@contextlib.contextmanager
def code_server(
    tmp_path: Path, folder: Path, settings: dict, *, trusted: bool, path: str | None = None
) -> Iterator[str]:
    """code-server on a free loopback port with the extension installed, `folder` open, and
    `settings` as the user's; yields its URL. With `trusted`, workspace trust is off (every
    folder trusted); without, VS Code asks and the folder stays in Restricted Mode."""
    user_data, extensions = tmp_path / "user-data", tmp_path / "extensions"
    user_settings = user_data / "User" / "settings.json"
    user_settings.parent.mkdir(parents=True)
    trust = {"security.workspace.trust.enabled": not trusted}
    user_settings.write_text(json.dumps({**QUIET_SETTINGS, **trust, **settings}))
    common = [f"--user-data-dir={user_data}", f"--extensions-dir={extensions}"]
    subprocess.run(
        [str(CODE_SERVER), *common, "--install-extension", str(_vsix())],
        check=True,
        capture_output=True,
        timeout=300,
    )
    port = _free_port()
    log_path = tmp_path / "code-server.log"
    flags = ["--auth=none", "--disable-telemetry", "--disable-update-check"]
    if trusted:
        flags.append("--disable-workspace-trust")
    env = {**os.environ, "PATH": path} if path is not None else None
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(CODE_SERVER), *common, f"--bind-addr=127.0.0.1:{port}", *flags, str(folder)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            for _ in range(WAIT_MS // 200):
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(url + "healthz", timeout=5).close()
                    break
                if server.poll() is not None:
                    pytest.fail(f"code-server exited: {log_path.read_text()}")
                time.sleep(0.2)
            else:
                pytest.fail(f"code-server never answered: {log_path.read_text()}")
            yield url
        finally:
            # The whole session: code-server, its extension host and the server it started.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, 15)
            server.wait(timeout=60)


@pytest.fixture
def screenshots(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """Where the test leaves its screenshots (DRIFT_SCREENSHOTS keeps them after the run)."""
    base = Path(os.environ.get("DRIFT_SCREENSHOTS") or tmp_path / "screenshots")
    folder = base / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Workbench:
    """The few gestures the test needs, done with the keyboard as a user would."""

    def __init__(self, page: Page, screenshots: Path) -> None:
        self.page = page
        self.screenshots = screenshots
        self.shots = 0

    def shot(self, name: str) -> None:
        self.shots += 1
        self.page.screenshot(path=str(self.screenshots / f"{self.shots:02d}-{name}.png"))

    def command(self, title: str) -> None:
        """Run a palette command by its title."""
        self.page.keyboard.press("F1")
        palette = self.page.locator(".quick-input-widget input.input")
        expect(palette).to_be_visible(timeout=WAIT_MS)
        palette.fill(">" + title)
        row = self.page.locator(".quick-input-list .monaco-list-row", has_text=title).first
        expect(row).to_be_visible(timeout=WAIT_MS)
        self.page.keyboard.press("Enter")

    def open_file(self, rel: str) -> None:
        self.page.keyboard.press("Control+P")
        box = self.page.locator(".quick-input-widget input.input")
        expect(box).to_be_visible(timeout=WAIT_MS)
        box.fill(rel)
        row = self.page.locator(".quick-input-list .monaco-list-row", has_text=Path(rel).name)
        expect(row.first).to_be_visible(timeout=WAIT_MS)
        self.page.keyboard.press("Enter")
        tab = self.page.locator(".tab.active", has_text=Path(rel).name)
        expect(tab).to_be_visible(timeout=WAIT_MS)
        self.page.locator(".monaco-editor .view-lines").first.click()

    def go_to(self, line: int, column: int) -> None:
        self.page.keyboard.press("Control+G")
        box = self.page.locator(".quick-input-widget input.input")
        expect(box).to_be_visible(timeout=WAIT_MS)
        box.fill(f":{line}:{column}")
        self.page.keyboard.press("Enter")

    def save(self) -> None:
        self.page.keyboard.press("Control+S")
        expect(self.page.locator(".tab.active.dirty")).to_have_count(0, timeout=WAIT_MS)

    def problems(self):
        return self.page.locator(".markers-panel .monaco-list-row")


@contextlib.contextmanager
def workbench(url: str, folder: Path, tmp_path: Path, screenshots: Path) -> Iterator[Workbench]:
    """Chromium on the workbench of `folder`; a screenshot named "failure" if the test fails."""
    with sync_playwright() as playwright:
        # A fresh profile each run: nothing remembered from an earlier session.
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium"),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 900},
        )
        ui = Workbench(browser.new_page(), screenshots)
        try:
            ui.page.goto(f"{url}?folder={folder}")
            expect(ui.page.locator(".monaco-workbench")).to_be_visible(timeout=WAIT_MS)
            yield ui
        except Exception:
            ui.shot("failure")
            raise
        finally:
            browser.close()


def test_vscode_shows_fixes_and_backs_up(
    workspace: Path, screenshots: Path, tmp_path: Path
) -> None:
    backups = workspace / ".drift" / "backups"
    settings = {
        "drift.server.path": str(Path(sys.executable).with_name("drift")),
        "drift.trace.server": "messages",
    }
    with (
        code_server(tmp_path, workspace, settings, trusted=True) as url,
        workbench(url, workspace, tmp_path, screenshots) as ui,
    ):
        page = ui.page
        ui.open_file("pkg/mod_1.py")
        status = page.locator(".statusbar-item", has_text="Drift:")
        expect(status.first).to_contain_text("patterns", timeout=WAIT_MS)
        ui.shot("opened")

        # Type a function whose local variable breaks the snake_case convention, and save.
        page.keyboard.press("Control+End")
        page.keyboard.type(
            '\ndef load_extra(item_id):\n    """Load extra."""\n'
            "    resultValue = item_id\n    return resultValue\n"
        )
        ui.save()
        ui.command("View: Focus Problems")
        problem = ui.problems().filter(has_text="found camelCase 'resultValue'")
        expect(problem).to_have_count(1, timeout=WAIT_MS)
        ui.shot("problem-after-save")

        # Hover on the variable: the convention, with an example from the codebase.
        lines = (workspace / "pkg" / "mod_1.py").read_text().splitlines()
        line = next(n for n, text in enumerate(lines, 1) if "resultValue = " in text)
        ui.page.locator(".monaco-editor .view-lines").first.click()
        ui.go_to(line, 6)
        page.keyboard.press("Control+K")
        page.keyboard.press("Control+I")
        hover = page.locator(".monaco-hover:visible")
        expect(hover.first).to_contain_text("pkg/mod_", timeout=WAIT_MS)
        ui.shot("hover")
        # The example's label names the line its snippet starts with.
        label = re.search(r"(pkg/mod_\d\.py):(\d+)\s*\n\s*(\S.*)", hover.first.inner_text())
        assert label, hover.first.inner_text()
        rel, number, first_shown = label.groups()
        labelled = (workspace / rel).read_text().splitlines()[int(number) - 1]
        assert first_shown.strip() == labelled.strip()
        page.keyboard.press("Escape")

        # The lightbulb's preferred fix renames it; saved, the problem is gone.
        page.keyboard.press("Control+.")
        fix = page.locator(
            ".action-widget .monaco-list-row", has_text="Rename 'resultValue' to 'result_value'"
        )
        expect(fix.first).to_be_visible(timeout=WAIT_MS)
        ui.shot("quick-fixes")
        expect(fix.first).to_have_class(re.compile(r"\bfocused\b"))  # preferred: first
        page.keyboard.press("Enter")
        # The edit lands asynchronously: saving before it would save the old text.
        expect(page.locator(".tab.active.dirty")).to_have_count(1, timeout=WAIT_MS)
        ui.save()
        assert (
            "    result_value = item_id\n    return result_value\n"
            in (workspace / "pkg" / "mod_1.py").read_text()
        )
        expect(problem).to_have_count(0, timeout=WAIT_MS)
        ui.shot("fixed")

        # "Explain this convention…": an input box, and the server saves the answer.
        page.keyboard.press("Control+End")
        page.keyboard.type("\ndef report_extra(item_id):\n    print(item_id)\n    return item_id\n")
        ui.save()
        printed = ui.problems().filter(has_text="found print")
        expect(printed).to_have_count(1, timeout=WAIT_MS)
        line = len((workspace / "pkg" / "mod_1.py").read_text().splitlines()) - 1
        ui.go_to(line, 6)
        page.keyboard.press("Control+.")
        explain = page.locator(
            ".action-widget .monaco-list-row", has_text="Explain this convention"
        )
        expect(explain.first).to_be_visible(timeout=WAIT_MS)
        page.keyboard.press("ArrowUp")  # from the first action round to the last
        expect(explain.first).to_have_class(re.compile(r"\bfocused\b"))
        page.keyboard.press("Enter")
        box = page.locator(".quick-input-widget input.input")
        expect(box).to_be_visible(timeout=WAIT_MS)
        box.fill("Production logs need the request id the logger adds")
        page.keyboard.press("Enter")
        saved = page.locator(".notification-toast", has_text="Saved memory")
        expect(saved).to_be_visible(timeout=WAIT_MS)
        ui.shot("explained")

        # The Drift channel has the server's log and, with drift.trace.server, the trace.
        channel = "".join(p.read_text() for p in tmp_path.rglob("*Drift*.log"))
        assert "textDocument/didSave" in channel, channel[-2000:]

        # One backup, one notification.
        before = sorted(backups.glob("*.db")) if backups.exists() else []
        ui.command("Drift: Backup Database")
        toasts = page.locator(".notification-toast", has_text="backup")
        expect(toasts.first).to_be_visible(timeout=WAIT_MS)
        # Whatever the extension would add comes after the command's answer; a status
        # request answered after it shows all of the backup's notifications are in.
        ui.command("Drift: Show Status")
        expect(page.locator(".notification-toast", has_text="patterns (")).to_be_visible(
            timeout=WAIT_MS
        )
        ui.shot("backup")
        assert toasts.count() == 1, [t.inner_text() for t in toasts.all()]
        after = sorted(backups.glob("*.db"))
        assert len(after) == len(before) + 1, (before, after)


def test_vscode_fixes_on_save_with_code_actions_on_save(
    workspace: Path, screenshots: Path, tmp_path: Path
) -> None:
    """What editors/README.md tells users to set: a plain save applies the preferred fixes."""
    settings = {
        "drift.server.path": str(Path(sys.executable).with_name("drift")),
        "editor.codeActionsOnSave": {"source.fixAll.drift": "explicit"},
    }
    with (
        code_server(tmp_path, workspace, settings, trusted=True) as url,
        workbench(url, workspace, tmp_path, screenshots) as ui,
    ):
        ui.open_file("pkg/mod_1.py")
        status = ui.page.locator(".statusbar-item", has_text="Drift:")
        expect(status.first).to_contain_text("patterns", timeout=WAIT_MS)
        ui.page.keyboard.press("Control+End")
        ui.page.keyboard.type(
            "\ndef report_extra(item_id):\n    print(item_id)\n    return item_id\n"
        )
        ui.save()
        ui.shot("saved")
    text = (workspace / "pkg" / "mod_1.py").read_text()
    assert "    logger.info(item_id)\n" in text and "print(" not in text


@pytest.mark.parametrize("user_drift", [False, True], ids=["no-drift-of-the-user", "user-drift"])
def test_an_untrusted_workspace_runs_nothing_of_its_own(
    tmp_path: Path, screenshots: Path, user_drift: bool
) -> None:
    """A hostile repository: a `.venv/bin/drift` and a workspace drift.server.path, each
    leaving a mark if run. Opened in Restricted Mode, the extension runs neither: it says why
    when the user has no drift of their own, and runs the user's when the user settings name
    one (VS Code ignores the workspace's value there)."""
    hostile = python_repo(tmp_path / "hostile")
    mark = tmp_path / "ran"
    payload = f"#!/bin/sh\ntouch {mark}\n"
    for script in (hostile / ".venv" / "bin" / "drift", hostile / "tools" / "drift"):
        script.parent.mkdir(parents=True)
        script.write_text(payload)
        script.chmod(0o755)
    (hostile / ".vscode").mkdir()
    (hostile / ".vscode" / "settings.json").write_text(
        json.dumps({"drift.server.path": str(hostile / "tools" / "drift")})
    )
    settings = {"drift.server.path": str(Path(sys.executable).with_name("drift"))}
    with (
        code_server(tmp_path, hostile, settings if user_drift else {}, trusted=False) as url,
        workbench(url, hostile, tmp_path, screenshots) as ui,
    ):
        # VS Code asks; a careful user says no, and the folder opens in Restricted Mode.
        ui.page.get_by_role("button", name="No, I don't trust the authors").click(timeout=WAIT_MS)
        expect(ui.page.locator(".statusbar-item", has_text="Restricted Mode").first).to_be_visible(
            timeout=WAIT_MS
        )
        ui.open_file("pkg/mod_1.py")
        if user_drift:
            # "Drift: …" once a server answered (scanning, not scanned or N patterns).
            answered = ui.page.locator(".statusbar-item", has_text="Drift:").first
        else:
            answered = ui.page.locator(".notification-toast", has_text="not trusted")
        expect(answered).to_be_visible(timeout=WAIT_MS)
        ui.shot(f"untrusted-{'user-drift' if user_drift else 'no-drift'}")
    assert not mark.exists(), "a drift from inside the untrusted workspace was run"
