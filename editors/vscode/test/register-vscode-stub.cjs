// Resolves `require("vscode")` to a recording stub so the extension's modules load outside VS Code.
const Module = require("node:module");
const path = require("node:path");

const stub = path.join(__dirname, "vscode-stub.cjs");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === "vscode" ? stub : resolve.call(this, request, ...rest);
};
