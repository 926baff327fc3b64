// Baton dashboard: plain JavaScript against /api/v1 (no build step, no network beyond this node).
// Run ids are 64-bit and arrive as strings: they are only ever handled as strings here.
'use strict';

(function () {
  const API = '/api/v1';
  const LIMIT = 50;
  const REFRESH_MS = 2000;
  const TOKEN_KEY = 'baton.token';

  const view = {
    route: 'home',        // 'home' | 'run'
    runId: null,          // string, on the run page
    chainId: null,        // number, the chain whose runs are shown on the home page
    q: '',
    state: '',
    offset: 0,
    total: 0,
    run: null,            // the last run document shown
    log: null,            // {kind, id, attempt, controller}
  };
  const lastText = {};    // response text per panel: unchanged data is not drawn again
  let busy = false;

  // ---- helpers ---------------------------------------------------------------------------------

  const $ = (sel) => document.querySelector(sel);

  function esc(v) {
    return String(v == null ? '' : v).replace(/[&<>"']/g, (c) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  function pad(n) { return String(n).padStart(2, '0'); }

  function fmtTime(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (isNaN(d)) return esc(iso);
    const now = new Date();
    const hms = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
    const sameDay = d.toDateString() === now.toDateString();
    const text = sameDay ? hms : d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + hms;
    return '<time datetime="' + esc(iso) + '" title="' + esc(iso) + '">' + text + '</time>';
  }

  function fmtDuration(s) {
    if (s == null || isNaN(s)) return '';
    if (s < 60) return (s < 10 ? s.toFixed(1) : Math.round(s)) + ' s';
    const m = Math.floor(s / 60);
    if (m < 60) return m + 'm ' + pad(Math.round(s % 60)) + 's';
    return Math.floor(m / 60) + 'h ' + pad(m % 60) + 'm';
  }

  function fmtRelative(iso) {
    if (!iso) return '';
    const s = (new Date(iso).getTime() - Date.now()) / 1000;
    if (isNaN(s)) return '';
    const a = Math.abs(s);
    const t = a < 60 ? Math.round(a) + 's' : a < 3600 ? Math.round(a / 60) + 'm' : Math.round(a / 3600) + 'h';
    return s >= 0 ? 'in ' + t : t + ' ago';
  }

  function badge(value, kind) {
    if (!value) return '';
    return '<span class="badge ' + kind + '-' + esc(String(value).toLowerCase()) + '">' + esc(value) + '</span>';
  }

  function runLink(runId) {
    return '<a href="#/runs/' + encodeURIComponent(runId) + '">' + esc(runId) + '</a>';
  }

  function setConn(error) {
    const el = $('#conn');
    el.textContent = error ? error : '';
    el.className = 'conn' + (error ? ' down' : '');
  }

  let flashTimer = null;
  function flash(text, ok) {
    const el = $('#flash');
    el.textContent = text;
    el.className = ok ? 'ok' : 'err';
    clearTimeout(flashTimer);
    if (ok) flashTimer = setTimeout(() => { el.textContent = ''; el.className = ''; }, 15000);
  }

  // ---- token and requests ----------------------------------------------------------------------

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }

  function showTokenState() {
    $('#token-state').textContent = token() ? 'token set' : '';
  }

  function askToken(message) {
    const t = window.prompt(message, '');
    if (t === null) return false;
    if (t.trim()) sessionStorage.setItem(TOKEN_KEY, t.trim()); else sessionStorage.removeItem(TOKEN_KEY);
    showTokenState();
    return true;
  }

  function headers(extra) {
    const h = Object.assign({}, extra || {});
    if (token()) h['Authorization'] = 'Bearer ' + token();
    return h;
  }

  // GET: returns {text, data}; throws an Error with the API's error line
  async function get(path) {
    const res = await fetch(API + path, { headers: headers({ Accept: 'application/json' }), cache: 'no-store' });
    const text = await res.text();
    if (!res.ok) throw new Error(res.status + ' ' + errorLine(text, res));
    return { text, data: JSON.parse(text) };
  }

  function errorLine(text, res) {
    try {
      const body = JSON.parse(text);
      if (body && body.error) return body.error;
    } catch (e) { /* not JSON */ }
    return text.trim() || res.statusText || 'request failed';
  }

  // An action: confirmed first, JSON body, bearer token; one retry after a 401 with a new token.
  async function act(question, path, body, done) {
    if (!window.confirm(question)) return;
    const send = () => fetch(API + path, {
      method: 'POST',
      headers: headers({ 'Content-Type': 'application/json', Accept: 'application/json' }),
      body: JSON.stringify(body || {}),
    });
    try {
      let res = await send();
      if (res.status === 401 && askToken('This node needs a token for actions. API token:')) res = await send();
      const text = await res.text();
      let data = null;
      try { data = JSON.parse(text); } catch (e) { /* not JSON */ }
      if (!res.ok) {
        flash(question.replace(/\?$/, '') + ': refused (' + res.status + '): ' + errorLine(text, res), false);
        return;
      }
      let line = question.replace(/\?$/, '') + ': ' + ((data && data.outcome) || 'done');
      if (data && data.runId != null && line.indexOf(String(data.runId)) < 0) line += ' (run ' + String(data.runId) + ')';
      if (data && data.commandId != null) line += ' [command ' + data.commandId + ']';
      flash(line, true);
      if (done) done(data || {});
      refresh(true);
    } catch (e) {
      flash(question.replace(/\?$/, '') + ': ' + e.message, false);
    }
  }

  // ---- home: nodes, chains, runs ---------------------------------------------------------------

  function changed(key, text) {
    if (lastText[key] === text) return false;
    lastText[key] = text;
    return true;
  }

  // Replaces the rows of a tbody, keeping the rows whose content did not change.
  function drawRows(tbody, items, keyOf, htmlOf, decorate, empty, cols) {
    if (!items.length) {
      tbody.innerHTML = '<tr class="empty"><td colspan="' + cols + '">' + esc(empty) + '</td></tr>';
      return;
    }
    const old = new Map();
    for (const tr of tbody.children) if (tr.dataset.key) old.set(tr.dataset.key, tr);
    const rows = items.map((item) => {
      const key = keyOf(item);
      const html = htmlOf(item);
      let tr = old.get(key);
      if (!tr || tr._html !== html) {
        tr = document.createElement('tr');
        tr.dataset.key = key;
        tr.innerHTML = html;
        tr._html = html;
        decorate(tr, item);
      }
      return tr;
    });
    const same = rows.length === tbody.children.length && rows.every((tr, i) => tbody.children[i] === tr);
    if (!same) tbody.replaceChildren(...rows);
  }

  function drawStatus(s) {
    const c = s.chains || {};
    $('#chain-counts').innerHTML = ['total', 'armed', 'running', 'held', 'off']
      .map((k) => '<span class="count state-' + k + '">' + k + ' <b>' + esc(c[k] == null ? 0 : c[k]) + '</b></span>').join('');
    drawRows($('#nodes tbody'), s.nodes || [], (n) => n.name, (n) =>
      '<td>' + esc(n.name) + '</td><td>' + esc(n.site) + '</td><td>' + esc(n.host) + '</td><td>' + esc(n.pid) +
      '</td><td>' + badge(n.role, 'role') + '</td><td>' + esc(n.epoch == null ? '' : n.epoch) + '</td><td title="' +
      esc(n.lastHeartbeat) + '">' + (n.heartbeatAgeSeconds == null ? '' : esc(Number(n.heartbeatAgeSeconds).toFixed(1)) + ' s ago') + '</td>',
      (tr, n) => { tr.className = 'node' + (n.role === 'leader' ? ' leader' : ''); tr.dataset.node = n.name; },
      'no node has registered', 7);
  }

  function markSelectedChain() {
    for (const tr of $('#chains tbody').children) {
      if (tr.dataset.chainId) tr.classList.toggle('selected', tr.dataset.chainId === String(view.chainId));
    }
  }

  // relative times ("in 8s") follow the clock between two draws
  function updateRelative() {
    for (const el of document.querySelectorAll('.rel[data-t]')) el.textContent = fmtRelative(el.dataset.t);
  }

  function chainHtml(c) {
    const last = c.lastRun;
    const on = String(c.switch || '').toUpperCase() === 'ON';
    return '<td class="id">' + esc(c.id) + '</td>' +
      '<td>' + esc(c.description) + '</td>' +
      '<td><code>' + esc(c.timestr) + '</code></td>' +
      '<td class="state">' + badge(c.state, 'state') + (c.heldReason ? '<div class="reason reason-' + esc(c.state) + '">' + esc(c.heldReason) + '</div>' : '') + '</td>' +
      '<td class="next">' + fmtTime(c.nextFire) + (c.nextFire ? ' <span class="muted rel" data-t="' + esc(c.nextFire) + '">' + fmtRelative(c.nextFire) + '</span>' : '') + '</td>' +
      '<td class="last">' + (last ? runLink(String(last.runId)) + ' ' + badge(last.status, 'status') : '<span class="muted">never</span>') + '</td>' +
      '<td>' + (last ? fmtTime(last.end) : '') + '</td>' +
      '<td class="actions"><button type="button" class="trigger">Run now</button> ' +
      '<button type="button" class="switch" data-on="' + (on ? 'false' : 'true') + '">' + (on ? 'Switch off' : 'Switch on') + '</button></td>';
  }

  function drawChains(page) {
    view.total = page.total || 0;
    const chains = page.chains || [];
    drawRows($('#chains tbody'), chains, (c) => String(c.id), chainHtml, (tr, c) => {
      tr.className = 'chain' + (String(c.id) === String(view.chainId) ? ' selected' : '');
      tr.dataset.chainId = String(c.id);
    }, view.q || view.state ? 'no chain matches' : 'no chains', 8);
    markSelectedChain();
    const from = chains.length ? view.offset + 1 : 0;
    $('#chains-range').textContent = from + '–' + (view.offset + chains.length) + ' of ' + view.total;
    $('#prev').disabled = view.offset <= 0;
    $('#next').disabled = view.offset + LIMIT >= view.total;
  }

  function runHtml(r) {
    return '<td class="run-id">' + runLink(String(r.runId)) + (r.rerunOf ? ' <span class="muted" title="rerun of ' + esc(r.rerunOf) + '">↺</span>' : '') + '</td>' +
      '<td><a href="#/chains/' + esc(r.chainId) + '">' + esc(r.chainId) + '</a></td>' +
      '<td>' + esc(r.trigger) + '</td>' +
      '<td>' + fmtTime(r.scheduled) + '</td>' +
      '<td>' + fmtTime(r.start) + '</td>' +
      '<td>' + fmtDuration(r.durationSeconds) + '</td>' +
      '<td class="status">' + badge(r.status, 'status') + '</td>' +
      '<td>' + esc(r.node) + '</td>';
  }

  function drawRuns(tbody, runs) {
    drawRows(tbody, runs, (r) => String(r.runId), runHtml, (tr, r) => {
      tr.className = 'run';
      tr.dataset.runId = String(r.runId);
      tr.dataset.status = r.status || '';
    }, 'no runs yet', 8);
  }

  function chainsQuery() {
    const p = new URLSearchParams();
    if (view.q) p.set('q', view.q);
    if (view.state) p.set('state', view.state);
    p.set('limit', String(LIMIT));
    p.set('offset', String(view.offset));
    return '/chains?' + p.toString();
  }

  async function loadHome() {
    const jobs = [
      get('/status').then((r) => { if (changed('status', r.text)) drawStatus(r.data); }),
      get(chainsQuery()).then((r) => { if (changed('chains', r.text)) drawChains(r.data); }),
      get('/runs?limit=' + LIMIT).then((r) => { if (changed('runs', r.text)) drawRuns($('#runs tbody'), r.data.runs || []); }),
    ];
    const panel = $('#chain-runs-panel');
    if (view.chainId != null) {
      const id = view.chainId;
      jobs.push(get('/runs?chain=' + encodeURIComponent(id) + '&limit=20').then((r) => {
        if (id !== view.chainId) return;
        panel.hidden = false;
        $('#chain-runs-title').textContent = 'Runs of chain ' + id;
        if (changed('chainRuns', id + ':' + r.text)) drawRuns($('#chain-runs tbody'), r.data.runs || []);
      }));
    } else {
      panel.hidden = true;
    }
    const results = await Promise.allSettled(jobs);
    const failed = results.find((r) => r.status === 'rejected');
    setConn(failed ? failed.reason.message : null);
  }

  // ---- run page ----------------------------------------------------------------------------------

  function ms(iso) { return iso ? new Date(iso).getTime() : NaN; }

  function drawRun(doc) {
    const run = doc.run || {};
    view.run = doc;
    $('#run-id').textContent = String(run.runId);
    $('#run-status').innerHTML = badge(run.status, 'status');
    const fields = [
      ['Chain', '<a href="#/chains/' + esc(run.chainId) + '">' + esc(run.chainId) + '</a>'],
      ['Trigger', esc(run.trigger)],
      ['Scheduled', fmtTime(run.scheduled)],
      ['Start', fmtTime(run.start)],
      ['End', fmtTime(run.end)],
      ['Duration', fmtDuration(run.durationSeconds)],
      ['Node', esc(run.node)],
    ];
    if (run.rerunOf) fields.push(['Rerun of', runLink(String(run.rerunOf))]);
    $('#run-fields').innerHTML = fields.map(([k, v]) => '<div><dt>' + k + '</dt><dd>' + (v || '—') + '</dd></div>').join('');
    $('#cancel').hidden = run.status !== 'RUNNING';
    $('#rerun').hidden = run.status === 'RUNNING' || run.status === 'SUCCESS' || !run.end;

    const deps = doc.dependencies || [];
    drawRows($('#deps tbody'), deps, (d) => d.depId + '/' + d.attempt, (d) =>
      '<td>' + esc(d.depId) + '</td><td>' + esc(d.attempt) + '</td><td>' + fmtTime(d.start) + '</td><td>' + fmtTime(d.end) +
      '</td><td>' + esc(d.exitCode == null ? '' : d.exitCode) + '</td><td class="status">' + badge(d.status, 'status') + '</td><td>' + esc(d.node) + '</td>',
      (tr, d) => { tr.className = 'dep'; tr.dataset.depId = String(d.depId); tr.dataset.attempt = String(d.attempt); tr.dataset.status = d.status || ''; },
      'no dependencies', 7);

    drawTimeline(run, deps, doc.levels || []);
    followLogEnd(doc);
  }

  function drawTimeline(run, deps, levels) {
    const procs = deps.concat(...levels.map((l) => l.jobs || []));
    let t0 = ms(run.start);
    for (const p of procs) if (!isNaN(ms(p.start)) && (isNaN(t0) || ms(p.start) < t0)) t0 = ms(p.start);
    let t1 = run.end ? ms(run.end) : Date.now();
    for (const p of procs) {
      const e = p.end ? ms(p.end) : Date.now();
      if (!isNaN(e) && e > t1) t1 = e;
    }
    const span = Math.max((t1 - t0) || 0, 1000);
    $('#timeline-span').textContent = isNaN(t0) ? '' : '0 – ' + fmtDuration(span / 1000);

    const bar = (p, cls, id, label) => {
      const s = ms(p.start);
      const e = p.end ? ms(p.end) : Date.now();
      if (isNaN(s)) return '';
      const left = Math.min(Math.max((s - t0) / span * 100, 0), 100);
      const width = Math.max(Math.min((e - s) / span * 100, 100 - left), 0.4);
      const secs = ((e - s) / 1000);
      const title = label + ' · ' + (p.status || '') + ' · ' + fmtDuration(secs) + (p.node ? ' · ' + p.node : '') + (p.pid ? ' · pid ' + p.pid : '');
      return '<div class="bar ' + cls + ' status-' + esc(String(p.status || '').toLowerCase()) + (p.end ? '' : ' live') + '" ' + id +
        ' data-attempt="' + esc(p.attempt) + '" data-status="' + esc(p.status) + '" style="left:' + left.toFixed(3) + '%;width:' + width.toFixed(3) +
        '%" title="' + esc(title) + '" tabindex="0"><span class="label ' + (width >= 30 ? 'in' : left + width <= 60 ? 'after' : 'before') + '">' + esc(label) + '</span></div>';
    };
    // one lane per process: a job (or dependency) and its attempt
    const lane = (name, barHtml) => '<div class="lane"><div class="lane-name">' + esc(name) + '</div><div class="track">' + barHtml + '</div></div>';

    let html = '';
    if (deps.length) {
      html += '<div class="level deps"><div class="level-name">dependencies</div>';
      for (const d of deps) {
        html += lane('dep ' + d.depId + (d.attempt > 1 ? ' #' + d.attempt : ''), bar(d, 'dep', 'data-dep-id="' + esc(d.depId) + '"',
          'dep ' + d.depId + ' #' + d.attempt + (d.exitCode == null ? '' : ' exit ' + d.exitCode) + ' ' + (d.status || '')));
      }
      html += '</div>';
    }
    for (const level of levels) {
      html += '<div class="level" data-level="' + esc(level.stepLevel) + '"><div class="level-name">level ' + esc(level.stepLevel) + '</div>';
      for (const j of level.jobs || []) {
        html += lane('job ' + j.jobId + (j.attempt > 1 ? ' #' + j.attempt : ''), bar(j, 'job', 'data-job-id="' + esc(j.jobId) + '"',
          'job ' + j.jobId + ' #' + j.attempt + (j.exitCode == null ? '' : ' exit ' + j.exitCode) + ' ' + (j.status || '')));
      }
      html += '</div>';
    }
    if (!html) html = '<p class="muted">no process has started yet</p>';
    const el = $('#timeline');
    if (el._html !== html) { el.innerHTML = html; el._html = html; }
    markSelectedBar();
  }

  function markSelectedBar() {
    for (const b of document.querySelectorAll('#timeline .bar.selected')) b.classList.remove('selected');
    const l = view.log;
    if (!l) return;
    const b = document.querySelector('#timeline .bar.' + (l.kind === 'dep' ? 'dep' : 'job') + '[data-' + l.kind + '-id="' + l.id + '"][data-attempt="' + l.attempt + '"]');
    if (b) b.classList.add('selected');
  }

  async function loadRun() {
    const id = view.runId;
    try {
      const r = await get('/runs/' + encodeURIComponent(id));
      setConn(null);
      if (id === view.runId && changed('run', id + ':' + r.text)) drawRun(r.data);
    } catch (e) {
      if (id !== view.runId) return;
      if (/^404/.test(e.message)) {
        $('#run-id').textContent = id;
        $('#run-fields').innerHTML = '<div><dd>' + esc(e.message) + '</dd></div>';
        setConn(null);
      } else {
        setConn(e.message);
      }
    }
  }

  // ---- logs: whole text, or streamed while the process runs ------------------------------------

  function stopLog() {
    if (view.log && view.log.controller) view.log.controller.abort();
    view.log = null;
  }

  function processOf(doc, kind, id, attempt) {
    if (!doc) return null;
    if (kind === 'dep') return (doc.dependencies || []).find((d) => String(d.depId) === id && String(d.attempt) === attempt) || null;
    for (const l of doc.levels || []) {
      const j = (l.jobs || []).find((x) => String(x.jobId) === id && String(x.attempt) === attempt);
      if (j) return j;
    }
    return null;
  }

  async function openLog(kind, id, attempt) {
    stopLog();
    const runId = view.runId;
    const proc = processOf(view.run, kind, id, attempt);
    const controller = new AbortController();
    const log = { kind, id, attempt, controller, runId };
    view.log = log;
    markSelectedBar();
    const pre = $('#log');
    pre.textContent = '';
    $('#log-panel').hidden = false;
    const title = (kind === 'dep' ? 'Dependency ' : 'Job ') + id + ', attempt ' + attempt;
    $('#log-title').textContent = title + (proc && proc.status ? ' · ' + proc.status : '');
    const path = API + '/runs/' + encodeURIComponent(runId) + '/logs?' + kind + '=' + encodeURIComponent(id) +
      (attempt ? '&attempt=' + encodeURIComponent(attempt) : '');
    const live = proc && !proc.end;
    try {
      const res = await fetch(path, {
        headers: headers({ Accept: live ? 'text/event-stream' : 'text/plain' }),
        cache: 'no-store',
        signal: controller.signal,
      });
      if (!res.ok) {
        pre.textContent = '';
        $('#log-title').textContent = title + ' · ' + res.status + ' ' + errorLine(await res.text(), res);
        return;
      }
      const type = res.headers.get('Content-Type') || '';
      if (!type.startsWith('text/event-stream') || !res.body) {
        const text = await res.text();
        if (view.log === log) {
          pre.textContent = text;
          log.partial = !!live;
        }
        return;
      }
      $('#log-title').textContent = title + ' · following';
      await readEvents(res.body, controller.signal, (event, data) => {
        if (view.log !== log) return false;
        if (event === 'end') {
          $('#log-title').textContent = title + ' · ' + (data || 'ended');
          return false;
        }
        appendLog(pre, data + '\n');
        return true;
      });
    } catch (e) {
      if (e.name !== 'AbortError' && view.log === log) $('#log-title').textContent = title + ' · ' + e.message;
    }
  }

  function appendLog(pre, text) {
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.appendChild(document.createTextNode(text));
    if (atBottom) pre.scrollTop = pre.scrollHeight;
  }

  // Server-sent events from a fetch body: onEvent(event, data) returns false to stop reading.
  async function readEvents(body, signal, onEvent) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let event = 'message';
    let data = [];
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let nl;
        while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
          if (line === '') {
            if (data.length || event !== 'message') {
              if (onEvent(event, data.join('\n')) === false) return;
            }
            event = 'message';
            data = [];
          } else if (line.startsWith(':')) {
            // comment or keep-alive
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            let value = colon < 0 ? '' : line.slice(colon + 1);
            if (value.startsWith(' ')) value = value.slice(1);
            if (field === 'event') event = value;
            else if (field === 'data') data.push(value);
          }
        }
      }
    } finally {
      if (!signal.aborted) reader.cancel().catch(() => {});
    }
  }

  // A log fetched as a whole while its process ran (no event stream offered): fetched again once it ended.
  function followLogEnd(doc) {
    const l = view.log;
    if (!l || l.runId !== view.runId || !l.partial) return;
    const p = processOf(doc, l.kind, l.id, l.attempt);
    if (p && p.end) openLog(l.kind, l.id, l.attempt);
  }

  // ---- routing and refresh -----------------------------------------------------------------------

  function route() {
    const h = location.hash.replace(/^#/, '');
    let m;
    if ((m = h.match(/^\/runs\/([^/?]+)/))) {
      const id = decodeURIComponent(m[1]);
      if (view.route !== 'run' || view.runId !== id) {
        stopLog();
        $('#log-panel').hidden = true;
        $('#log').textContent = '';
        view.run = null;
        delete lastText.run;
        $('#timeline').innerHTML = ''; $('#timeline')._html = '';
        $('#deps tbody').innerHTML = '';
        $('#run-fields').innerHTML = '';
        $('#run-status').innerHTML = '';
        $('#cancel').hidden = true; $('#rerun').hidden = true;
      }
      view.route = 'run';
      view.runId = id;
    } else {
      stopLog();
      view.route = 'home';
      view.runId = null;
      m = h.match(/^\/chains\/(\d+)/);
      const chainId = m ? Number(m[1]) : null;
      if (chainId !== view.chainId) {
        view.chainId = chainId;
        delete lastText.chainRuns;
        $('#chain-runs tbody').innerHTML = '';
        markSelectedChain();
      }
    }
    $('#home').hidden = view.route !== 'home';
    $('#runpage').hidden = view.route !== 'run';
    document.title = view.route === 'run' ? 'Baton · run ' + view.runId : 'Baton';
    refresh(true);
  }

  async function refresh(force) {
    if (busy && !force) return;
    if (document.hidden && !force) return;
    busy = true;
    try {
      if (view.route === 'run') await loadRun(); else await loadHome();
      updateRelative();
    } finally {
      busy = false;
    }
  }

  // ---- events ------------------------------------------------------------------------------------

  function wire() {
    $('#token-btn').addEventListener('click', () => {
      askToken(token() ? 'API token (empty to forget it):' : 'API token for actions:');
    });

    let qTimer = null;
    $('#q').addEventListener('input', () => {
      clearTimeout(qTimer);
      qTimer = setTimeout(() => { view.q = $('#q').value.trim(); view.offset = 0; refresh(true); }, 250);
    });
    $('#chain-filter').addEventListener('submit', (e) => { e.preventDefault(); view.q = $('#q').value.trim(); view.offset = 0; refresh(true); });
    $('#state').addEventListener('change', () => { view.state = $('#state').value; view.offset = 0; refresh(true); });
    $('#prev').addEventListener('click', () => { view.offset = Math.max(0, view.offset - LIMIT); refresh(true); });
    $('#next').addEventListener('click', () => { if (view.offset + LIMIT < view.total) { view.offset += LIMIT; refresh(true); } });

    $('#chains tbody').addEventListener('click', (e) => {
      const tr = e.target.closest('tr.chain');
      if (!tr) return;
      const id = tr.dataset.chainId;
      if (e.target.closest('button.trigger')) {
        act('Run chain ' + id + ' now?', '/chains/' + id + '/trigger', {}, () => { location.hash = '#/chains/' + id; });
      } else if (e.target.closest('button.switch')) {
        const on = e.target.closest('button.switch').dataset.on === 'true';
        act('Switch chain ' + id + (on ? ' on?' : ' off?'), '/chains/' + id + '/switch', { on });
      } else if (!e.target.closest('a')) {
        location.hash = '#/chains/' + id;
      }
    });

    const openRun = (e) => {
      const tr = e.target.closest('tr.run');
      if (tr && !e.target.closest('a')) location.hash = '#/runs/' + encodeURIComponent(tr.dataset.runId);
    };
    $('#runs tbody').addEventListener('click', openRun);
    $('#chain-runs tbody').addEventListener('click', openRun);
    $('#chain-runs-close').addEventListener('click', () => { location.hash = '#/'; });

    $('#cancel').addEventListener('click', () => {
      const id = view.runId;
      act('Cancel run ' + id + '?', '/runs/' + encodeURIComponent(id) + '/cancel', {});
    });
    $('#rerun').addEventListener('click', () => {
      const id = view.runId;
      act('Rerun run ' + id + ' from its failed level?', '/runs/' + encodeURIComponent(id) + '/rerun',
        { fromFailed: true, withDeps: false },
        (data) => { if (data.runId != null) location.hash = '#/runs/' + encodeURIComponent(String(data.runId)); });
    });

    const openBar = (e) => {
      const b = e.target.closest('.bar');
      if (!b) return;
      if (b.dataset.jobId) openLog('job', b.dataset.jobId, b.dataset.attempt);
      else if (b.dataset.depId) openLog('dep', b.dataset.depId, b.dataset.attempt);
    };
    $('#timeline').addEventListener('click', openBar);
    $('#timeline').addEventListener('keydown', (e) => { if (e.key === 'Enter') openBar(e); });
    $('#deps tbody').addEventListener('click', (e) => {
      const tr = e.target.closest('tr.dep');
      if (tr) openLog('dep', tr.dataset.depId, tr.dataset.attempt);
    });

    window.addEventListener('hashchange', route);
    document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(true); });
    setInterval(() => refresh(false), REFRESH_MS);
  }

  showTokenState();
  wire();
  route();
})();
