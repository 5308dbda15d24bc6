-- Headless Neovim session driven by tests/editors/test_neovim.py.
-- Env: DRIFT_PLUGIN (editors/neovim), DRIFT_PYTHON, DRIFT_ROOT (the workspace), DRIFT_FILE (file to
-- open), DRIFT_RESULTS (JSON out).
local results = { steps = {} }
local messages = {}

local function finish(code)
  local file = io.open(os.getenv('DRIFT_RESULTS'), 'w')
  file:write(vim.fn.json_encode(results))
  file:close()
  vim.cmd((code == 0) and 'qall!' or 'cquit!')
end

local function wait_for(what, seconds, condition)
  if not vim.wait(seconds * 1000, condition, 100) then
    error('timed out after ' .. seconds .. ' s waiting for ' .. what)
  end
  table.insert(results.steps, what)
end

local function has_message(text)
  for _, message in ipairs(messages) do
    if message:find(text, 1, true) then
      return true
    end
  end
  return false
end

local function run()
  vim.opt.runtimepath:prepend(os.getenv('DRIFT_PLUGIN'))
  vim.notify = function(message)
    table.insert(messages, message)
  end
  results.nvim_version = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch
  local drift = require('drift')
  local cmd = { os.getenv('DRIFT_PYTHON'), '-m', 'drift_lsp' }

  -- Root discovery: a .drift/ above a nested repository wins; else the repository's root.
  local scratch = vim.fn.tempname()
  vim.fn.mkdir(scratch .. '/outer/.drift', 'p')
  vim.fn.mkdir(scratch .. '/outer/inner/.git', 'p')
  vim.fn.mkdir(scratch .. '/plain/.git', 'p')
  vim.fn.mkdir(scratch .. '/plain/sub', 'p')
  results.roots = {
    drift.find_root(scratch .. '/outer/inner/x.py') == scratch .. '/outer',
    drift.find_root(scratch .. '/plain/sub/y.py') == scratch .. '/plain',
  }

  -- A workspace's own virtualenv runs only when the user opts in.
  vim.fn.mkdir(scratch .. '/outer/.venv/bin', 'p')
  local venv_drift = scratch .. '/outer/.venv/bin/drift'
  vim.fn.writefile({ '#!/bin/sh' }, venv_drift)
  vim.fn.setfperm(venv_drift, 'rwxr-xr-x')
  drift.setup({ cmd = cmd })
  results.venv_default = drift.server_cmd(scratch .. '/outer')[1] == cmd[1]
  drift.setup({ cmd = cmd, workspace_venv = true })
  results.venv_opted_in = drift.server_cmd(scratch .. '/outer')[1] == venv_drift

  -- Not trusted: nothing starts, and the user is told once.
  drift.setup({ cmd = cmd })
  vim.cmd('filetype on')
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('DRIFT_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  results.untrusted_client = drift.client(bufnr) ~= nil
  results.untrusted_messages = vim.deepcopy(messages)

  -- Trusted: it starts.
  drift.setup({ cmd = cmd, trusted_folders = { os.getenv('DRIFT_ROOT') } })
  vim.cmd('edit')

  wait_for('server attached', 30, function()
    local client = drift.client(bufnr)
    return client ~= nil and client.initialized ~= false
  end)

  vim.cmd('write')
  local found = {}
  wait_for('drift diagnostics', 60, function()
    found = {}
    for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
      if diagnostic.source == 'drift' then
        table.insert(found, diagnostic)
      end
    end
    return #found > 0
  end)
  results.diagnostics = {}
  for _, diagnostic in ipairs(found) do
    table.insert(results.diagnostics, {
      line = diagnostic.lnum, col = diagnostic.col, message = diagnostic.message,
      code = diagnostic.code, severity = diagnostic.severity,
    })
  end

  local first = found[1]
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = first.lnum, character = first.col },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 30000) or {}
  for _, response in pairs(responses) do
    local contents = response.result and response.result.contents
    if contents then
      results.hover = type(contents) == 'table' and (contents.value or vim.inspect(contents)) or contents
    end
  end
  table.insert(results.steps, 'hover')

  -- "Explain this convention…" as a user picks it from the code actions, answering the prompt.
  vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col })
  vim.ui.select = function(items, opts, on_choice)
    for index, item in ipairs(items) do
      if opts.format_item(item):find('Explain this convention', 1, true) then
        return on_choice(item, index)
      end
    end
    results.explain_titles = vim.tbl_map(opts.format_item, items)
    on_choice(nil, nil)
  end
  vim.ui.input = function(opts, on_confirm)
    results.explain_prompt = opts.prompt
    on_confirm('We name functions in snake_case, as PEP 8 does')
  end
  vim.lsp.buf.code_action()
  wait_for('explanation saved', 30, function()
    return has_message('Saved memory')
  end)

  local seen = #messages
  vim.cmd('DriftBackup')
  local backups = vim.fn.fnamemodify(drift.find_root(vim.api.nvim_buf_get_name(bufnr)), ':p') .. '.drift/backups'
  wait_for('backup file', 60, function()
    return #vim.fn.glob(backups .. '/*', false, true) > 0
  end)
  results.backups = vim.fn.glob(backups .. '/*', false, true)
  -- Anything the plugin would add comes once the command is answered: a status asked for
  -- afterwards is answered after it, so its message means every backup message is in.
  vim.cmd('DriftStatus')
  wait_for('status message', 30, function()
    return has_message('patterns (')
  end)
  results.backup_messages = {}
  for index = seen + 1, #messages do
    if messages[index]:find('backup', 1, true) then
      table.insert(results.backup_messages, messages[index])
    end
  end
  results.echospace = vim.v.echospace
  results.messages = messages
end

local ok, err = pcall(run)
if not ok then
  results.error = tostring(err)
  results.messages = messages
  finish(1)
else
  finish(0)
end
