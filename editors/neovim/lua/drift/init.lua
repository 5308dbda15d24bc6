-- Drift language server client for Neovim 0.7+.
-- require('drift').setup(opts) starts `drift lsp` for Python/JS/TS buffers inside a workspace
-- that the user trusts (opts.trusted_folders, or opts.trust_all), as VS Code does with
-- workspace trust: scanning a repository runs tools on it, so opening a file of a repository
-- just cloned must not be enough.
local M = {}

local defaults = {
  -- The server command. With Drift in a virtualenv: { '/path/to/.venv/bin/drift', 'lsp' }.
  cmd = { 'drift', 'lsp' },
  -- Use the workspace's own .venv/bin/drift or venv/bin/drift when there is one. Off by
  -- default: that file comes with the repository, so running it is running the repository.
  workspace_venv = false,
  -- Folders (and everything below them) where the server may start.
  trusted_folders = {},
  -- Start in any workspace, like an editor with workspace trust switched off.
  trust_all = false,
  filetypes = { 'python', 'javascript', 'typescript', 'javascriptreact', 'typescriptreact' },
  settings = {
    diagnostics = { on = 'save', debounceMs = 300 },
    hover = { maxExamples = 3 },
    log = { level = 'info' },
  },
}

-- Root discovery, as the `drift` command does it: the nearest folder with one of the project
-- markers, else the nearest repository root.
local PROJECT_MARKERS = { '.drift', 'drift.config.json' }
local VCS_MARKERS = { '.git', '.hg', '.svn', '.jj' }

M.config = vim.deepcopy(defaults)

-- Clients started on Neovim < 0.8, by root directory, so buffers of one workspace share one server.
local fallback_clients = {}
-- Roots already told that they are not trusted, so the message comes once, not per buffer.
local untrusted_told = {}

local function exists(path)
  return vim.loop.fs_stat(path) ~= nil
end

local function normalize(path)
  return (vim.fn.fnamemodify(vim.fn.expand(path), ':p'):gsub('/$', ''))
end

-- The folder a path belongs to: the nearest ancestor with .drift/ or drift.config.json, else
-- the nearest repository root. A .drift in the home folder is Drift's own, not a workspace.
function M.find_root(path)
  local home = normalize('~')
  for _, markers in ipairs({ PROJECT_MARKERS, VCS_MARKERS }) do
    local current = vim.fn.fnamemodify(path, ':p:h')
    while current and current ~= '' do
      for _, marker in ipairs(markers) do
        if exists(current .. '/' .. marker) and not (marker == '.drift' and current == home) then
          return current
        end
      end
      local parent = vim.fn.fnamemodify(current, ':h')
      if parent == current then
        break
      end
      current = parent
    end
  end
  return nil
end

function M.is_trusted(root)
  if M.config.trust_all then
    return true
  end
  for _, folder in ipairs(M.config.trusted_folders) do
    local trusted = normalize(folder)
    if root == trusted or root:sub(1, #trusted + 1) == trusted .. '/' then
      return true
    end
  end
  return false
end

-- The command that starts the server for a workspace root.
function M.server_cmd(root)
  if M.config.workspace_venv then
    for _, venv in ipairs({ '.venv', 'venv' }) do
      local drift = root .. '/' .. venv .. '/bin/drift'
      if vim.fn.executable(drift) == 1 then
        return { drift, 'lsp' }
      end
    end
  end
  return M.config.cmd
end

-- Server messages on the command line, fitted to one line: a long one (a backup's path, say)
-- would otherwise stop the editor at a "Press ENTER" prompt. Errors are shown whole.
local function show_message(_, result, ctx)
  local levels = { vim.log.levels.ERROR, vim.log.levels.WARN, vim.log.levels.INFO, vim.log.levels.DEBUG }
  local level = levels[result.type] or vim.log.levels.INFO
  local message = result.message
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client and client.config.root_dir then
    message = message:gsub(vim.pesc(client.config.root_dir .. '/'), '')
  end
  local room = math.max(vim.v.echospace, 20)
  if level < vim.log.levels.WARN and vim.fn.strdisplaywidth(message) > room then
    message = vim.fn.strcharpart(message, 0, room - 1) .. '…'
  end
  vim.notify(message, level)
  return vim.NIL
end

local function client_config(root)
  return {
    name = 'drift',
    cmd = M.server_cmd(root),
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    init_options = M.config.settings,
    settings = { drift = M.config.settings },
    handlers = {
      -- The server asks for section "drift"; answer with the same table as initializationOptions.
      ['workspace/configuration'] = function(_, params)
        local result = {}
        for index, item in ipairs(params.items or {}) do
          result[index] = item.section == 'drift' and M.config.settings or vim.NIL
        end
        return result
      end,
      ['window/showMessage'] = show_message,
    },
  }
end

function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local root = M.find_root(name)
  if not root then
    return nil
  end
  if not M.is_trusted(root) then
    if not untrusted_told[root] then
      untrusted_told[root] = true
      vim.notify('Drift: not started in ' .. root .. ' (not in trusted_folders of require("drift").setup())',
        vim.log.levels.INFO)
    end
    return nil
  end
  if vim.lsp.start then
    return vim.lsp.start(client_config(root), { bufnr = bufnr })
  end
  local client_id = fallback_clients[root]
  if not client_id or vim.lsp.get_client_by_id(client_id) == nil then
    client_id = vim.lsp.start_client(client_config(root))
    fallback_clients[root] = client_id
  end
  if client_id then
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
  return client_id
end

function M.client(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = 'drift' })[1]
  end
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if client.name == 'drift' then
      return client
    end
  end
  return nil
end

local function request(client, params, handler, bufnr)
  -- Client methods take `self` from 0.11 on; the plain function form is gone in later releases.
  if vim.fn.has('nvim-0.11') == 1 then
    client:request('workspace/executeCommand', params, handler, bufnr)
  else
    client.request('workspace/executeCommand', params, handler, bufnr)
  end
end

-- Runs a server command (contract D) and hands the result to `on_result`, if given.
function M.execute(command, arguments, on_result, client)
  client = client or M.client(0)
  if not client then
    vim.notify('Drift: no Drift server is attached to this buffer', vim.log.levels.WARN)
    return
  end
  local params = { command = command, arguments = arguments or {} }
  request(client, params, function(err, result)
    if err then
      vim.notify('Drift: ' .. command .. ' failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    if on_result then
      on_result(result)
    end
  end, 0)
end

-- "Explain this convention…": LSP has no input box, so the client asks for the text and sends
-- [patternId, text]; the server saves it and says so.
function M.explain(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local pattern_id = (command.arguments or {})[1]
  vim.ui.input({ prompt = 'Why does this convention exist? ' }, function(text)
    if text and text:match('%S') then
      M.execute(command.command, { pattern_id, text }, nil, client)
    end
  end)
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  untrusted_told = {}
  -- Backup and rescan are announced by the server (window/showMessage): the commands print
  -- nothing of their own, so each says one thing once.
  vim.api.nvim_create_user_command('DriftBackup', function()
    M.execute('drift.backup', {})
  end, { desc = 'Drift: back up the database' })
  vim.api.nvim_create_user_command('DriftRescan', function()
    M.execute('drift.rescan', {}, function()
      vim.notify('Drift: rescan finished')
    end)
  end, { desc = 'Drift: rescan the workspace' })
  vim.api.nvim_create_user_command('DriftStatus', function()
    M.execute('drift.status', {}, function(result)
      vim.notify(string.format(
        'Drift: %s patterns (%s approved, %s discovered, %s ignored); last scan %s',
        tostring(result.total_patterns), tostring(result.approved), tostring(result.discovered),
        tostring(result.ignored), tostring(result.last_scan_at)))
    end)
  end, { desc = 'Drift: show pattern counts' })
  vim.lsp.commands['drift.addMemory'] = M.explain
  local group = vim.api.nvim_create_augroup('drift_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
end

return M
