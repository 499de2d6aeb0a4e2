-- nvim_e2e.lua -- the Lua driver of nvim_e2e.sh.
--
-- Run as `nvim --headless --clean -u nvim_e2e.lua`. The editor is configured ONLY
-- from editors/neovim, exactly as its README says: that folder is put on
-- 'runtimepath', then either
--   E2E_MODE=enable : vim.lsp.enable('examkit')              (Neovim 0.11, lsp/examkit.lua)
--   E2E_MODE=legacy : require('examkit').setup({ legacy = true })
--                     (the FileType autocommand + vim.lsp.start path of 0.9/0.10)
--   E2E_MODE=setup  : vim.g.examkit_path = E2E_EXAMKIT_PATH; require('examkit').setup()
-- and otherwise `examkit` is whatever is first on PATH. Then it opens files and acts as a
-- user would, checking what the user would see.
--
-- Environment: E2E_RTP (editors/neovim), E2E_SPEC (from nvim_e2e_prepare.py),
-- E2E_CHECK (`examkit check --format json` of the same root), E2E_OUTSIDE (a YAML
-- file outside any content root), E2E_COUNTS (where to write "passed failed"),
-- E2E_TIMEOUT_MS (each wait, default 20000).

local uv = vim.uv or vim.loop
local MODE = os.getenv('E2E_MODE') or 'enable'
local TIMEOUT = tonumber(os.getenv('E2E_TIMEOUT_MS') or '20000')

local passed, failed = 0, 0
local function report(ok, name, detail)
  if ok then
    passed = passed + 1
    io.stdout:write(('ok - [%s] %s\n'):format(MODE, name))
  else
    failed = failed + 1
    io.stdout:write(('not ok - [%s] %s%s\n'):format(MODE, name, detail and (': ' .. detail) or ''))
  end
  io.stdout:flush()
end
local function info(msg)
  io.stdout:write(('  [%s] %s\n'):format(MODE, msg))
  io.stdout:flush()
end

local function read_json(path)
  local f = assert(io.open(path, 'r'))
  local text = f:read('*a')
  f:close()
  return vim.json.decode(text)
end

local function realpath(p)
  return p and uv.fs_realpath(p) or p
end

local function finish()
  local f = io.open(os.getenv('E2E_COUNTS'), 'w')
  if f then
    f:write(('%d %d\n'):format(passed, failed))
    f:close()
  end
  vim.cmd(failed == 0 and 'qall!' or 'cquit 1')
end

local function examkit_clients(bufnr)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get({ name = 'examkit', bufnr = bufnr })
end

local function set_cursor(line, character)
  vim.api.nvim_win_set_cursor(0, { line + 1, character })
end

local function request(bufnr, client, method, line, character, extra)
  pcall(set_cursor, line, character)
  -- positions given are ASCII columns: the same in UTF-8, UTF-16 and UTF-32
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = line, character = character },
  }
  for k, v in pairs(extra or {}) do
    params[k] = v
  end
  local res, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT)
  if not res then
    return nil, tostring(err)
  end
  local r = res[client.id]
  if not r then
    return nil, 'no response'
  end
  if r.err or r.error then
    return nil, vim.inspect(r.err or r.error, { newline = ' ', indent = '' })
  end
  return r.result
end

local function completion_labels(result)
  local items = result
  if type(result) == 'table' and result.items then
    items = result.items
  end
  local labels = {}
  for _, it in ipairs(type(items) == 'table' and items or {}) do
    labels[it.label] = true
  end
  return labels
end

local function hover_text(result)
  if type(result) ~= 'table' or result.contents == nil then
    return ''
  end
  local c = result.contents
  if type(c) == 'string' then
    return c
  end
  if c.value then
    return c.value
  end
  local parts = {}
  for _, p in ipairs(c) do
    table.insert(parts, type(p) == 'string' and p or (p.value or ''))
  end
  return table.concat(parts, '\n')
end

local function squash(s)
  return (s:gsub('%s+', ' '))
end

local SEVERITY = { error = 1, warning = 2, info = 3, information = 3, note = 3, hint = 4 }

-- "LINE:COL-ENDLINE:ENDCOL SEVERITY CODE" (1-based, as `examkit check` prints them)
local function key_of_check(d)
  return ('%d:%d-%d:%d %s %s'):format(
    d.start.line, d.start.column, d['end'].line, d['end'].column, SEVERITY[d.severity] or d.severity, d.code)
end
local function key_of_nvim(d)
  return ('%d:%d-%d:%d %s %s'):format(d.lnum + 1, d.col + 1, d.end_lnum + 1, d.end_col + 1, d.severity, tostring(d.code))
end

local function main()
  local spec = read_json(os.getenv('E2E_SPEC'))
  local check = read_json(os.getenv('E2E_CHECK'))

  -- The configuration: editors/neovim only.
  vim.opt.runtimepath:prepend(os.getenv('E2E_RTP'))
  if MODE == 'enable' then
    vim.lsp.enable('examkit')
  elseif MODE == 'setup' then
    vim.g.examkit_path = os.getenv('E2E_EXAMKIT_PATH')
    require('examkit').setup()
  else
    require('examkit').setup({ legacy = true })
  end

  -- 0. A YAML file outside any content root gets no examkit server.
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('E2E_OUTSIDE')))
  local outside = vim.api.nvim_get_current_buf()
  vim.wait(1000, function()
    return #examkit_clients(outside) > 0
  end, 20)
  report(vim.bo[outside].filetype == 'yaml' and #examkit_clients(outside) == 0,
    'no server for a YAML file outside a content root')

  -- 1. Open the broken question file: the server starts and attaches.
  vim.cmd('edit ' .. vim.fn.fnameescape(spec.file))
  local bufnr = vim.api.nvim_get_current_buf()
  local ok = vim.wait(TIMEOUT, function()
    local c = examkit_clients(bufnr)[1]
    return c ~= nil and c.initialized == true
  end, 10)
  local client = examkit_clients(bufnr)[1]
  report(ok and client ~= nil, 'examkit lsp starts and attaches to the question file',
    client and 'not initialized' or 'no examkit client')
  if not (ok and client) then
    return
  end
  report(realpath(client.config.root_dir) == realpath(spec.root), 'root_dir is the folder of examkit.toml',
    tostring(client.config.root_dir))
  info(('server %s, position encoding %s'):format(
    vim.inspect(client.server_info, { newline = ' ', indent = '' }), client.offset_encoding))

  -- 2. Diagnostics: the same as `examkit check --format json`, on the same lines.
  local expected = {}
  for _, d in ipairs(check) do
    if d.file == spec.relfile then
      expected[key_of_check(d)] = d
    end
  end
  local function actual_set()
    local set = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      set[key_of_nvim(d)] = d
    end
    return set
  end
  local function same(a, b)
    for k in pairs(a) do
      if not b[k] then
        return false
      end
    end
    for k in pairs(b) do
      if not a[k] then
        return false
      end
    end
    return true
  end
  vim.wait(TIMEOUT, function()
    return same(actual_set(), expected)
  end, 20)
  local actual = actual_set()
  local missing, extra = {}, {}
  for k in pairs(expected) do
    if not actual[k] then
      table.insert(missing, k)
    end
  end
  for k in pairs(actual) do
    if not expected[k] then
      table.insert(extra, k)
    end
  end
  table.sort(missing)
  table.sort(extra)
  report(#missing == 0 and #extra == 0 and next(expected) ~= nil,
    ('diagnostics equal examkit check --format json (%d: line, column, severity, code)'):format(vim.tbl_count(expected)),
    ('missing %s; unexpected %s'):format(table.concat(missing, ', '), table.concat(extra, ', ')))
  local messages_ok, bad = true, nil
  for k, d in pairs(actual) do
    local e = expected[k]
    if e and d.message:sub(1, #e.message) ~= e.message then
      messages_ok, bad = false, ('%s: %q vs %q'):format(k, d.message, e.message)
    end
  end
  report(messages_ok, 'diagnostic messages are the CLI messages', bad)
  local on_lines = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    on_lines[d.lnum .. ' ' .. tostring(d.code)] = true
  end
  for _, inj in ipairs(spec.injected) do
    report(on_lines[inj.line .. ' ' .. inj.code] == true,
      ('%s shown on line %d, where the error was put'):format(inj.code, inj.line + 1))
  end

  -- 3. Completion after `services: [`: the service ids.
  local result, err = request(bufnr, client, 'textDocument/completion',
    spec.completion.line, spec.completion.character, { context = { triggerKind = 1 } })
  local labels = completion_labels(result)
  local in_scope, offered, missing_ids = 0, 0, {}
  for id, s in pairs(spec.services) do
    if labels[id] then
      offered = offered + 1
    end
    if s.scope == 'in' then
      in_scope = in_scope + 1
      if not labels[id] then
        table.insert(missing_ids, id)
      end
    end
  end
  info(('completion at %d:%d: %d items, %d of %d service ids'):format(
    spec.completion.line, spec.completion.character, vim.tbl_count(labels), offered, vim.tbl_count(spec.services)))
  report(result ~= nil and #missing_ids == 0 and in_scope > 0,
    ('completion after `services: [` offers every in-scope service id (%d)'):format(in_scope),
    err or ('missing ' .. table.concat(missing_ids, ', ')))

  -- 4. Hover on a service id: its name and definition.
  result, err = request(bufnr, client, 'textDocument/hover', spec.hover.line, spec.hover.character)
  local text = squash(hover_text(result))
  report(text:find(spec.hover.name, 1, true) ~= nil and text:find(spec.hover.definition:sub(1, 60), 1, true) ~= nil,
    ('hover on `%s` shows its name and definition'):format(spec.hover.id), err or ('got: ' .. text:sub(1, 200)))
  -- the same through the user's K / vim.lsp.buf.hover(): a floating window
  set_cursor(spec.hover.line, spec.hover.character)
  vim.lsp.buf.hover()
  local float_text = ''
  vim.wait(TIMEOUT, function()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(win).relative ~= '' then
        local b = vim.api.nvim_win_get_buf(win)
        float_text = table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n')
        return true
      end
    end
    return false
  end, 20)
  report(squash(float_text):find(spec.hover.name, 1, true) ~= nil,
    'vim.lsp.buf.hover() opens a float with the service', 'float: ' .. float_text:sub(1, 200))
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      pcall(vim.api.nvim_win_close, win, true)
    end
  end

  -- 5. Fix the misspelt id in the buffer (Neovim sends didChange): its error goes away.
  local fix = spec.fix
  vim.api.nvim_buf_set_text(bufnr, fix.line, fix.character, fix.line, fix.character + fix.length, { fix.text })
  local function has_unknown_service()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.lnum == fix.line and d.code == 'xref/unknown-service' then
        return true
      end
    end
    return false
  end
  local gone = vim.wait(TIMEOUT, function()
    return not has_unknown_service()
  end, 20)
  local others = 0
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == 'schema/unknown-key' or d.code == 'schema/enum' then
      others = others + 1
    end
  end
  report(gone and others == 2, 'after fixing the id in the buffer its error disappears, the others stay',
    ('gone=%s, others=%d'):format(tostring(gone), others))

  -- 6. Completion while typing a block list under `services:` (half-typed YAML).
  local bl = spec.block_completion
  local ind = bl.indent
  vim.api.nvim_buf_set_lines(bufnr, bl.line, bl.line + 1, true, { ind .. 'services:', ind .. '  - ' })
  result, err = request(bufnr, client, 'textDocument/completion', bl.line + 1, #ind + 4, { context = { triggerKind = 1 } })
  labels = completion_labels(result)
  report(labels[spec.hover.id] == true and labels['amazon-s3'] == true,
    'completion on a new `- ` item under `services:` offers service ids',
    err or ('labels: ' .. table.concat(vim.tbl_keys(labels), ', '):sub(1, 200)))

  -- 7. Go to definition: the service file, on its id.
  result, err = request(bufnr, client, 'textDocument/definition', spec.definition.line, spec.definition.character)
  local loc = result
  if type(loc) == 'table' and not (loc.uri or loc.targetUri) then
    loc = loc[1]
  end
  local target = loc and vim.uri_to_fname(loc.uri or loc.targetUri)
  local range = loc and (loc.targetSelectionRange or loc.range or loc.targetRange)
  report(target ~= nil and realpath(target) == realpath(spec.definition.file)
      and range.start.line == spec.definition.id_line,
    ('definition of `%s` is the id in services/%s.yaml'):format(spec.hover.id, spec.hover.id),
    err or vim.inspect(loc, { newline = ' ', indent = '' }))
  -- as the user does it: vim.lsp.buf.definition() jumps there
  set_cursor(spec.definition.line, spec.definition.character)
  vim.lsp.buf.definition()
  local jumped = vim.wait(TIMEOUT, function()
    return realpath(vim.api.nvim_buf_get_name(0)) == realpath(spec.definition.file)
  end, 20)
  local cursor = vim.api.nvim_win_get_cursor(0)
  report(jumped and cursor[1] - 1 == spec.definition.id_line,
    'vim.lsp.buf.definition() opens the service file on its id line',
    ('buffer %s, cursor %d:%d'):format(vim.api.nvim_buf_get_name(0), cursor[1], cursor[2]))
  -- the service file joins the same server (same root)
  local svc_buf = vim.api.nvim_get_current_buf()
  vim.wait(2000, function()
    return #examkit_clients(svc_buf) > 0
  end, 20)
  local svc_client = examkit_clients(svc_buf)[1]
  report(svc_client ~= nil and svc_client.id == client.id, 'the service file is served by the same client')

  -- 8. Quit: the server shuts down (shutdown + exit).
  client.stop(client)
  local stopped = vim.wait(5000, function()
    return client.is_stopped(client)
  end, 20)
  report(stopped, 'the server stops on shutdown/exit')
end

local function run()
  local ok, err = xpcall(main, debug.traceback)
  if not ok then
    report(false, 'driver error', tostring(err))
  end
  finish()
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(run)
  end,
})
