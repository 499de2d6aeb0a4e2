-- examkit language server for Neovim 0.11+ (`:help lsp-config`).
--
-- Put the folder holding this `lsp/` directory on 'runtimepath' (or copy this file
-- to ~/.config/nvim/lsp/examkit.lua), then:
--
--     vim.lsp.enable('examkit')
--
-- Override any field with vim.lsp.config('examkit', { ... }), e.g. the binary:
--
--     vim.lsp.config('examkit', { cmd = { '/path/to/examkit', 'lsp' } })
--
-- The server starts for YAML buffers inside an examkit content root, i.e. a folder
-- holding `examkit.toml` (searched upwards from the file); other YAML files are
-- left alone. One server runs per content root.

---@param bufnr integer
---@return string? root the folder of the nearest examkit.toml above the buffer's file
local function content_root(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local found = vim.fs.find('examkit.toml', { upward = true, path = vim.fs.dirname(name), type = 'file' })[1]
  return found and vim.fs.dirname(found) or nil
end

---@type vim.lsp.Config
return {
  cmd = { vim.g.examkit_path or 'examkit', 'lsp' },
  filetypes = { 'yaml' },
  -- Informational (shown by :checkhealth vim.lsp); root_dir below decides.
  root_markers = { 'examkit.toml' },
  -- Only attach inside a content root: no examkit.toml above the file, no server.
  root_dir = function(bufnr, on_dir)
    local root = content_root(bufnr)
    if root then
      on_dir(root)
    end
  end,
  workspace_required = true,
}
