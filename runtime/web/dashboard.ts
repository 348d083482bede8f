/**
 * /dashboard: one self-contained page that polls /stats every second and shows the worker live:
 * agents and their events/s, lag per partition, tables with sizes, recovery, assignment, and a
 * chart of events/s over the last five minutes. No external scripts or styles.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>faustgen worker</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2430; }
  header { background: #1d2430; color: #fff; padding: 10px 20px; display: flex; gap: 24px; align-items: baseline; }
  header h1 { font-size: 18px; margin: 0; }
  .status { padding: 2px 8px; border-radius: 4px; background: #666; }
  .status.ready { background: #2e7d32; } .status.waiting { background: #b26a00; } .status.down { background: #b00020; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; padding: 16px 20px; }
  section { background: #fff; border-radius: 6px; padding: 12px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  section h2 { font-size: 15px; margin: 0 0 8px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 3px 8px 3px 0; border-bottom: 1px solid #eee; font-variant-numeric: tabular-nums; }
  td.num, th.num { text-align: right; }
  canvas { width: 100%; height: 180px; }
  .empty { color: #888; }
  .wide { grid-column: 1 / -1; }
</style>
</head>
<body>
<header>
  <h1 id="app">faustgen worker</h1>
  <span id="status" class="status">connecting</span>
  <span>events/s <strong id="eps">0</strong></span>
  <span>events <strong id="events">0</strong></span>
  <span>generation <strong id="generation">-</strong></span>
  <span id="updated" class="empty"></span>
</header>
<main>
  <section class="wide"><h2>Events per second (last 5 minutes)</h2><canvas id="chart" width="1200" height="180"></canvas></section>
  <section><h2>Agents</h2><table id="agents"><thead><tr><th>agent</th><th class="num">events/s</th><th class="num">events</th><th class="num">active</th><th class="num">p99 ms</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Lag per partition</h2><table id="lag"><thead><tr><th>topic</th><th class="num">partition</th><th class="num">end</th><th class="num">committed</th><th class="num">lag</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Tables</h2><table id="tables"><thead><tr><th>table</th><th>kind</th><th class="num">keys here</th><th>partitions here</th></tr></thead><tbody></tbody></table></section>
  <section><h2>Recovery</h2><table id="recovery"><thead><tr><th>table</th><th class="num">partition</th><th>path</th><th class="num">records</th><th class="num">seconds</th></tr></thead><tbody></tbody></table></section>
  <section class="wide"><h2>Assignment</h2><table id="assignment"><thead><tr><th>worker</th><th>actives</th><th>standbys</th></tr></thead><tbody></tbody></table></section>
</main>
<script>
(function () {
  var HISTORY_MS = 5 * 60 * 1000;
  var history = [];
  function text(value) { return value === null || value === undefined ? '-' : String(value); }
  function fmt(n, digits) { return typeof n === 'number' ? n.toFixed(digits || 0) : text(n); }
  function fill(id, rows, columns) {
    var body = document.querySelector('#' + id + ' tbody');
    body.textContent = '';
    if (rows.length === 0) {
      var tr = body.insertRow(); var td = tr.insertCell(); td.colSpan = columns; td.className = 'empty'; td.textContent = 'none';
      return;
    }
    rows.forEach(function (cells) {
      var tr = body.insertRow();
      cells.forEach(function (cell) {
        var td = tr.insertCell();
        td.textContent = typeof cell === 'number' ? fmt(cell, Number.isInteger(cell) ? 0 : 1) : text(cell);
        if (typeof cell === 'number') td.className = 'num';
      });
    });
  }
  function parts(byTopic) {
    return Object.keys(byTopic || {}).map(function (t) { return t + ' [' + byTopic[t].join(', ') + ']'; }).join('; ') || '-';
  }
  function draw() {
    var canvas = document.getElementById('chart');
    var ctx = canvas.getContext('2d');
    var w = canvas.width, h = canvas.height, pad = 30;
    ctx.clearRect(0, 0, w, h);
    var now = Date.now();
    var max = 1;
    history.forEach(function (p) { if (p.v > max) max = p.v; });
    ctx.strokeStyle = '#ddd'; ctx.fillStyle = '#666'; ctx.font = '11px sans-serif';
    for (var i = 0; i <= 4; i++) {
      var y = h - pad + (-(h - 2 * pad) * i) / 4;
      ctx.beginPath(); ctx.moveTo(pad, y); ctx.lineTo(w, y); ctx.stroke();
      ctx.fillText(fmt((max * i) / 4, max < 10 ? 1 : 0), 0, y + 4);
    }
    ctx.strokeStyle = '#1565c0'; ctx.lineWidth = 2; ctx.beginPath();
    history.forEach(function (p, index) {
      var x = pad + ((w - pad) * (HISTORY_MS - (now - p.t))) / HISTORY_MS;
      var y = h - pad - ((h - 2 * pad) * p.v) / max;
      if (index === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.stroke();
    // The latest reading as a dot, so the first seconds show something too.
    var last = history[history.length - 1];
    if (last) {
      ctx.fillStyle = '#1565c0'; ctx.beginPath();
      ctx.arc(pad + ((w - pad) * (HISTORY_MS - (now - last.t))) / HISTORY_MS, h - pad - ((h - 2 * pad) * last.v) / max, 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  function render(stats) {
    var m = stats.monitor;
    document.getElementById('app').textContent = stats.app + ' @ ' + stats.url;
    var status = document.getElementById('status');
    var ready = stats.status.ready && !stats.status.rebalancing;
    status.textContent = ready ? 'ready' : stats.status.ready ? 'rebalancing' : 'recovering';
    status.className = 'status ' + (ready ? 'ready' : 'waiting');
    document.getElementById('eps').textContent = fmt(m.eventsPerSecond, 1);
    document.getElementById('events').textContent = text(m.eventsTotal);
    document.getElementById('generation').textContent = text(m.generation);
    document.getElementById('updated').textContent = 'updated ' + new Date(m.time).toLocaleTimeString();
    var names = stats.agents.slice();
    Object.keys(m.agents).forEach(function (name) { if (names.indexOf(name) < 0) names.push(name); });
    fill('agents', names.map(function (name) {
      var a = m.agents[name] || { eventsPerSecond: 0, eventsTotal: 0, eventsActive: 0, runtime: { p99Ms: 0 } };
      return [name, a.eventsPerSecond, a.eventsTotal, a.eventsActive, a.runtime.p99Ms];
    }), 5);
    fill('lag', m.partitions.map(function (p) { return [p.topic, p.partition, p.endOffset, p.committedOffset, p.lag]; }), 5);
    fill('tables', stats.tables.map(function (t) { return [t.name, t.kind, t.size, t.ownedPartitions.join(', ') || '-']; }), 4);
    fill('recovery', stats.recovery.map(function (r) { return [r.table, r.partition, r.path, r.records, r.seconds]; }), 5);
    var workers = stats.assignment ? stats.assignment.workers : [];
    fill('assignment', workers.map(function (wk) {
      var self = wk.url === stats.url ? ' (this worker)' : '';
      var own = wk.url === stats.url ? stats.assignment : null;
      return [(wk.url || wk.memberId) + self, own ? parts(own.actives) : '', own ? parts(own.standbys) : ''];
    }), 3);
    history.push({ t: Date.now(), v: m.eventsPerSecond });
    while (history.length && Date.now() - history[0].t > HISTORY_MS) history.shift();
    draw();
  }
  function poll() {
    fetch('stats', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(render)
      .catch(function (e) {
        var status = document.getElementById('status');
        status.textContent = 'unreachable: ' + e.message; status.className = 'status down';
      })
      .then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>
</body>
</html>
`;
