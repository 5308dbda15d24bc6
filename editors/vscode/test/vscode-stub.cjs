// The parts of the VS Code API the extension's testable modules touch, recording every call.
const calls = { registered: [], errors: [], infos: [], executed: [], quickPicks: [], inputs: [] };
const answers = { errorChoice: undefined, quickPick: undefined, input: undefined };

module.exports = {
  __calls: calls,
  __answers: answers,
  __reset() {
    for (const list of Object.values(calls)) list.length = 0;
    answers.errorChoice = undefined;
    answers.quickPick = undefined;
    answers.input = undefined;
  },
  commands: {
    registerCommand(id, handler) {
      calls.registered.push({ id, handler });
      return { dispose() {} };
    },
    async executeCommand(id, ...args) {
      calls.executed.push({ id, args });
    },
  },
  window: {
    async showErrorMessage(message, ...items) {
      calls.errors.push({ message, items });
      return answers.errorChoice;
    },
    async showInformationMessage(message, ...items) {
      calls.infos.push({ message, items });
      return undefined;
    },
    async showInputBox(options) {
      calls.inputs.push(options);
      return answers.input;
    },
    async showQuickPick(items, options) {
      calls.quickPicks.push({ items, options });
      return answers.quickPick ? answers.quickPick(items) : undefined;
    },
  },
};
