-- Drift language server client for Neovim 0.7+.
-- require('drift').setup(opts) starts `drift lsp` for Python/JS/TS buffers inside a workspace.
local M = {}

local defaults = {
  cmd = { 'drift', 'lsp' },
  filetypes = { 'python', 'javascript', 'typescript', 'javascriptreact', 'typescriptreact' },
  root_markers = { '.drift', 'drift.config.json', '.git' },
  settings = {
    diagnostics = { on = 'save', debounceMs = 300 },
    hover = { maxExamples = 3 },
    log = { level = 'info' },
  },
}

M.config = vim.deepcopy(defaults)

-- Clients started on Neovim < 0.8, by root directory, so buffers of one workspace share one server.
local fallback_clients = {}

local function exists(path)
  return vim.loop.fs_stat(path) ~= nil
end

-- The nearest ancestor of `path` holding one of the markers, checked marker by marker so a
-- `.drift/` above a nested `.git` still wins.
function M.find_root(path)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  for _, marker in ipairs(M.config.root_markers) do
    local current = dir
    while current and current ~= '' do
      if exists(current .. '/' .. marker) then
        return current
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

local function client_config(root)
  return {
    name = 'drift',
    cmd = M.config.cmd,
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

-- Runs a server command (contract D) and hands the result to `on_result` (default: a message).
function M.execute(command, arguments, on_result)
  local client = M.client(0)
  if not client then
    vim.notify('Drift: no Drift server is attached to this buffer', vim.log.levels.WARN)
    return
  end
  local params = { command = command, arguments = arguments or {} }
  local handler = function(err, result)
    if err then
      vim.notify('Drift: ' .. command .. ' failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    if on_result then
      on_result(result)
    end
  end
  -- Client methods take `self` from 0.11 on; the plain function form is gone in later releases.
  if vim.fn.has('nvim-0.11') == 1 then
    client:request('workspace/executeCommand', params, handler, 0)
  else
    client.request('workspace/executeCommand', params, handler, 0)
  end
end

local function backup()
  M.execute('drift.backup', {}, function(result)
    vim.notify(string.format('Drift: backup #%s written to %s', tostring(result.id), tostring(result.path)))
  end)
end

local function status()
  M.execute('drift.status', {}, function(result)
    vim.notify(string.format(
      'Drift: %s patterns (%s approved, %s discovered, %s ignored); last scan %s',
      tostring(result.total_patterns), tostring(result.approved), tostring(result.discovered),
      tostring(result.ignored), tostring(result.last_scan_at)))
  end)
end

local function rescan()
  M.execute('drift.rescan', {}, function()
    vim.notify('Drift: rescan finished')
  end)
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  vim.api.nvim_create_user_command('DriftBackup', backup, { desc = 'Drift: back up the database' })
  vim.api.nvim_create_user_command('DriftRescan', rescan, { desc = 'Drift: rescan the workspace' })
  vim.api.nvim_create_user_command('DriftStatus', status, { desc = 'Drift: show pattern counts' })
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
