-- examkit language server setup for Neovim's built-in client, any version from 0.9.
--
--     vim.opt.runtimepath:append('/path/to/examkit/editors/neovim')
--     require('examkit').setup({
--       -- all optional:
--       cmd = { 'examkit', 'lsp' },   -- or vim.g.examkit_path = '/path/to/examkit'
--       on_attach = function(client, bufnr) end,
--       capabilities = nil,           -- e.g. from a completion plugin
--       settings = nil,
--     })
--
-- On Neovim 0.11+ this is vim.lsp.config('examkit', opts) + vim.lsp.enable('examkit')
-- with the configuration in lsp/examkit.lua. On 0.9/0.10 (or with `legacy = true`)
-- it installs a FileType autocommand that calls vim.lsp.start() for YAML buffers
-- inside a content root (the nearest folder upwards holding examkit.toml).

local M = {}

M.root_marker = 'examkit.toml'
M.filetypes = { 'yaml' }

local function notify_once(msg, level)
  if vim.notify_once then
    vim.notify_once(msg, level)
  else
    vim.notify(msg, level)
  end
end

--- The content root of a file or buffer: the folder of the nearest examkit.toml upwards.
---@param target integer|string|nil buffer number or file path (default: current buffer)
---@return string?
function M.root(target)
  local path = target
  if path == nil or type(path) == 'number' then
    local bufnr = path or 0
    if vim.bo[bufnr].buftype ~= '' then
      return nil
    end
    path = vim.api.nvim_buf_get_name(bufnr)
  end
  if path == '' then
    return nil
  end
  local found = vim.fs.find(M.root_marker, { upward = true, path = vim.fs.dirname(path), type = 'file' })[1]
  return found and vim.fs.dirname(found) or nil
end

--- The server command: opts.cmd, else vim.g.examkit_path, else `examkit` on PATH.
---@param opts table?
---@return string[]
function M.cmd(opts)
  if opts and opts.cmd then
    return opts.cmd
  end
  return { vim.g.examkit_path or 'examkit', 'lsp' }
end

--- Starts (or reuses) the examkit client for one buffer: the 0.9/0.10 path.
---@param bufnr integer
---@param opts table?
---@return integer? client_id
function M.start(bufnr, opts)
  opts = opts or {}
  local root = M.root(bufnr)
  if not root then
    return nil
  end
  local cmd = M.cmd(opts)
  if vim.fn.executable(cmd[1]) ~= 1 then
    notify_once(
      'examkit: `' .. cmd[1] .. '` is not executable; install examkit or set vim.g.examkit_path',
      vim.log.levels.WARN
    )
    return nil
  end
  return vim.lsp.start({
    name = 'examkit',
    cmd = cmd,
    root_dir = root,
    capabilities = opts.capabilities,
    settings = opts.settings,
    init_options = opts.init_options,
    on_attach = opts.on_attach,
  }, { bufnr = bufnr })
end

--- Sets examkit up. See the top of this file.
---@param opts table?
function M.setup(opts)
  opts = opts or {}
  if vim.fn.has('nvim-0.11') == 1 and not opts.legacy then
    local overrides = {}
    for _, key in ipairs({ 'cmd', 'capabilities', 'settings', 'init_options', 'on_attach', 'filetypes' }) do
      if opts[key] ~= nil then
        overrides[key] = opts[key]
      end
    end
    if next(overrides) ~= nil then
      vim.lsp.config('examkit', overrides)
    end
    vim.lsp.enable('examkit')
    return
  end
  if vim.fn.has('nvim-0.9') ~= 1 then
    notify_once('examkit: Neovim 0.9 or newer is required', vim.log.levels.ERROR)
    return
  end
  local group = vim.api.nvim_create_augroup('examkit_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = opts.filetypes or M.filetypes,
    desc = 'Start the examkit language server inside examkit content roots',
    callback = function(args)
      M.start(args.buf, opts)
    end,
  })
  -- Buffers already open when setup() runs.
  local filetypes = {}
  for _, ft in ipairs(opts.filetypes or M.filetypes) do
    filetypes[ft] = true
  end
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and filetypes[vim.bo[bufnr].filetype] then
      M.start(bufnr, opts)
    end
  end
end

return M
