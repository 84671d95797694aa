// zferry GUI: renders each page from the REST API (/api/v1). No framework, nothing fetched from
// another site. Every state-changing call carries the session's CSRF token.
"use strict";

const CSRF = document.querySelector('meta[name="csrf-token"]').content;
const PAGE = document.body.dataset.page;
const content = () => document.getElementById("content");

class ApiError extends Error {
  constructor(status, error, fix) {
    super(error + (fix ? " — " + fix : ""));
    this.status = status;
    this.error = error;
    this.fix = fix;
  }
}

async function api(method, path, body) {
  const options = { method, credentials: "same-origin", headers: { "X-CSRF-Token": CSRF } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch("/api/v1" + path, options);
  if (response.status === 401) {
    window.location.href = "/login";
    throw new ApiError(401, "logged out", "log in again");
  }
  const text = await response.text();
  const value = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new ApiError(response.status, value && value.error || response.statusText, value && value.fix);
  }
  return value;
}

// el("td", {class: "num"}, "text", child...) builds DOM without parsing HTML, so data from the
// API can never become markup.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.substring(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children.flat()) node.append(c instanceof Node ? c : String(c));
  return node;
}

function showProblem(e) {
  const box = document.getElementById("problem");
  if (!e) { box.hidden = true; box.textContent = ""; return; }
  box.hidden = false;
  box.textContent = e.message || String(e);
}

function bytes(n) {
  if (n === null || n === undefined) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0, v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v : v.toFixed(1)) + " " + units[i];
}

function seconds(s) {
  if (s === null || s === undefined) return "—";
  if (s < 120) return s + " s";
  if (s < 7200) return Math.round(s / 60) + " min";
  if (s < 172800) return (s / 3600).toFixed(1) + " h";
  return (s / 86400).toFixed(1) + " d";
}

function when(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return d.toLocaleString();
}

function ago(iso) {
  if (!iso) return "—";
  return seconds(Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000))) + " ago";
}

function durationSeconds(text) {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text || "");
  if (!m) return null;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[m[2]];
}

function confirmAction(text) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.showModal();
  });
}

function poll(fn, everyMs) {
  let stopped = false;
  const loop = async () => {
    if (stopped) return;
    try { await fn(); showProblem(null); } catch (e) { if (e.status !== 401) showProblem(e); }
    if (!stopped) setTimeout(loop, everyMs);
  };
  loop();
  return () => { stopped = true; };
}

function pool(service) { return service.pool; }

// ---- Health ----------------------------------------------------------------------------------

// green: in sync and both nodes answer; amber: something to watch; red: data at risk or locked.
// The passive's view decides about pulls: the active's own record keeps the last run it made as
// a passive, before it took over.
function serviceState(service, peerReachable, passive) {
  if (service.syncLocked) return ["red", "sync locked"];
  const interval = durationSeconds(service.settings && service.settings.snapshotInterval) || 900;
  const pull = durationSeconds(service.settings && service.settings.pullInterval) || 180;
  if (!peerReachable) return ["red", "peer unreachable"];
  if (service.vipProblems && service.vipProblems.length) return ["red", "VIP problem"];
  if (service.lagSeconds === null || service.lagSeconds === undefined) return ["amber", "lag unknown"];
  if (service.lagSeconds > 3 * (interval + pull)) return ["red", "lag too high"];
  if (service.lagSeconds > interval + 2 * pull) return ["amber", "lag growing"];
  if (passive && passive.lastRun && passive.lastRun.result === "failed") return ["amber", "last pull failed"];
  if (service.lastHooks && !service.lastHooks.ok) return ["amber", "hook failed"];
  return ["green", "healthy"];
}

function nodeEpoch(status) {
  if (!status || !status.services.length) return "—";
  return status.services.map((s) => s.name + ": " + s.epoch).join(", ");
}

async function renderHealth() {
  const cluster = await api("GET", "/cluster");
  const self = cluster.selfStatus;
  const peer = cluster.peerStatus;
  const nodes = el("table", { id: "nodes" },
    el("thead", {}, el("tr", {}, el("th", {}, "Node"), el("th", {}, "Reachable"),
      el("th", {}, "Heartbeat age"), el("th", {}, "Epoch"))),
    el("tbody", {},
      el("tr", { "data-node": cluster.self }, el("td", {}, cluster.self, " ", el("span", { class: "muted" }, "(this node)")),
        el("td", {}, el("span", { class: "state green" }, "yes")), el("td", {}, "—"), el("td", {}, nodeEpoch(self))),
      el("tr", { "data-node": cluster.peer }, el("td", {}, cluster.peer),
        el("td", {}, cluster.peerReachable ? el("span", { class: "state green" }, "yes")
          : el("span", { class: "state red", title: cluster.peerError || "" }, "no")),
        el("td", {}, cluster.heartbeatAgeSeconds === null ? "never" : cluster.heartbeatAgeSeconds + " s"),
        el("td", {}, nodeEpoch(peer)))));
  const cards = el("div", { class: "cards" });
  for (const s of self.services) {
    const other = peer && peer.services.find((p) => p.name === s.name);
    const passive = s.role === "passive" ? s : other;
    const active = s.role === "active" ? s : other;
    const [color, label] = serviceState(s, cluster.peerReachable, passive);
    const card = el("section", { class: "card " + color, id: "service-" + s.name, "data-state": color },
      el("h2", {}, s.name, " ", el("span", { class: "state " + color, id: "state-" + s.name }, label)));
    if (s.syncLocked) {
      card.append(el("div", { class: "lock", id: "lock-" + s.name }, "Failover occurred. Sync for " + pool(s) + " is locked!"));
      card.append(el("button", { class: "danger", id: "resolve-" + s.name, onclick: () => openDivergence(s, cluster) },
        "Review divergence and mark sync as fixed"));
    }
    // What the passive lacks: the rest of a running transfer, else whether it holds the newest
    // snapshot (writes since that snapshot are not counted: ZFS cannot tell them everywhere).
    const transfer = (passive && passive.transfer) || null;
    const applied = s.lastAppliedSnapshot;
    const newest = active && active.lastSnapshot;
    let unreplicated;
    if (!cluster.peerReachable) {
      unreplicated = "unknown: " + cluster.peer + " does not answer";
    } else if (transfer && !transfer.finished && transfer.totalBytesEstimate !== null) {
      unreplicated = "about " + bytes(Math.max(0, transfer.totalBytesEstimate - transfer.bytesDone)) + " (transfer running)";
    } else if (newest && applied && newest.guid === applied.guid) {
      unreplicated = "0 B in snapshots (writes after " + newest.name.substring(newest.name.indexOf("@")) + " not counted)";
    } else if (newest) {
      unreplicated = "the newest snapshot is not on the passive yet";
    } else {
      unreplicated = "unknown";
    }
    card.append(el("dl", { class: "facts" },
      el("dt", {}, "Active node"), el("dd", { id: "active-" + s.name }, s.activeNode),
      el("dt", {}, "Role of " + cluster.self), el("dd", {}, s.role),
      el("dt", {}, "Epoch"), el("dd", {}, s.epoch),
      el("dt", {}, "Last snapshot"), el("dd", { class: "mono" }, active && active.lastSnapshot ? active.lastSnapshot.name + " (" + ago(active.lastSnapshot.creation) + ")" : "—"),
      el("dt", {}, "Last applied on passive"), el("dd", { class: "mono" }, s.lastAppliedSnapshot ? s.lastAppliedSnapshot.name : "—"),
      el("dt", {}, "Lag"), el("dd", { id: "lag-" + s.name }, seconds(s.lagSeconds)),
      ...passiveLags(s),
      el("dt", {}, "Rollback window"), el("dd", {}, s.settings.rollbackWindow + " (" + s.settings.snapshotInterval + " × " + s.settings.retentionCount + ")"),
      el("dt", {}, "Unreplicated bytes"), el("dd", {}, unreplicated),
      el("dt", {}, "Decision"), el("dd", { class: "muted" }, s.state)));
    cards.append(card);
  }
  if (!self.services.length) cards.append(el("p", { class: "muted" }, "No services are configured."));
  content().replaceChildren(el("h2", {}, "Nodes"), nodes, el("h2", {}, "Services"), cards,
    el("div", { id: "divergence" }, divergenceView));
}

// Of several passives (under Pacemaker), the active lists each one's lag; the service's lag above
// is the most up-to-date one's.
function passiveLags(s) {
  if (!s.passives || s.passives.length < 2) return [];
  return [el("dt", {}, "Lag per passive"), el("dd", { id: "passives-" + s.name },
    ...s.passives.map((p, i) => el("span", { class: p.answering ? "" : "muted" },
      (i ? ", " : "") + p.node + " " + (p.answering ? seconds(p.lagSeconds) : "does not answer"))))];
}

// The divergence report and the result of marking sync as fixed stay while the page refreshes.
let divergenceView = null;
function showDivergence(node) {
  divergenceView = node;
  const box = document.getElementById("divergence");
  if (box) box.replaceChildren(...(node ? [node] : []));
}

async function openDivergence(service, cluster) {
  showDivergence(el("p", { class: "muted" }, "Reading the divergence report…"));
  stopHealth();
  try {
    const report = await api("GET", "/services/" + service.name + "/divergence");
    const rows = report.datasets.map((d) => el("tr", {},
      el("td", { class: "mono" }, d.dataset), el("td", { class: "mono" }, d.lastCommon || "none"),
      el("td", { class: "mono" }, d.snapshotsAfter.join(", ") || "—"),
      el("td", { class: "num" }, bytes(d.writtenBytes !== null ? d.writtenBytes : d.referencedChangeBytes)),
      el("td", { class: "mono" }, d.changedPaths ? d.changedPaths.slice(0, 20).join("\n") : "unknown")));
    const nodes = [cluster.self, cluster.peer];
    showDivergence(el("section", { class: "card red", id: "divergence-report" },
      el("h2", {}, "Divergence of " + service.name + " on " + report.node),
      el("p", {}, "What " + report.node + " holds that the active node " + report.activeNode + " lacks. "
        + "Marking sync as fixed keeps it aside on " + report.node + " and resyncs from " + report.activeNode + "."),
      rows.length ? el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Dataset"), el("th", {}, "Last common"),
        el("th", {}, "Snapshots after"), el("th", { class: "num" }, "Written"), el("th", {}, "Changed paths"))), el("tbody", {}, rows))
        : el("p", {}, "No divergent data."),
      report.note ? el("p", { class: "muted" }, report.note) : null,
      el("button", { class: "danger", id: "mark-fixed", onclick: () => markFixed(service, nodes) }, "Mark sync as fixed"),
      " ", el("button", { onclick: () => { showDivergence(null); startHealth(); } }, "Close")));
  } catch (e) {
    showDivergence(el("p", { class: "error" }, e.message));
    startHealth();
  }
}

async function markFixed(service, nodes) {
  const ok = await confirmAction("Mark sync of " + service.name + " as fixed on " + nodes[0] + " and " + nodes[1]
    + "? The passive keeps its divergent data aside and resyncs from the active.");
  if (!ok) return;
  showDivergence(el("p", {}, "Marking sync as fixed…"));
  try {
    const result = await api("POST", "/services/" + service.name + "/mark-sync-as-fixed", { nodes, discardDivergent: false });
    showDivergence(el("div", { class: "card green", id: "mark-fixed-result" }, el("strong", {}, "Sync marked as fixed. "),
      result && result.summary ? result.summary : "",
      " ", el("button", { onclick: () => showDivergence(null) }, "Dismiss")));
  } catch (e) {
    showDivergence(el("p", { class: "error", id: "mark-fixed-result" }, e.message));
  }
  startHealth();
}

let stopHealth = () => {};
function startHealth() { stopHealth(); stopHealth = poll(renderHealth, 3000); }

// ---- Services --------------------------------------------------------------------------------

async function renderServices() {
  if (switching) return;
  const cluster = await api("GET", "/cluster");
  const list = el("div", {});
  for (const s of cluster.selfStatus.services) {
    const other = cluster.peerStatus && cluster.peerStatus.services.find((p) => p.name === s.name);
    const target = s.activeNode === cluster.self ? cluster.peer : cluster.self;
    const held = [[cluster.self, s], [cluster.peer, other]].map(([node, v]) =>
      el("tr", {}, el("td", {}, node), el("td", { class: "mono" }, v ? (v.vipsHeld.join(", ") || "none") : "unknown"),
        el("td", {}, v && v.lastHooks ? el("span", { class: v.lastHooks.ok ? "ok" : "error" },
          v.lastHooks.phase + " " + (v.lastHooks.ok ? "ok" : "failed") + " at " + when(v.lastHooks.at) + ": " + v.lastHooks.summary) : "none run"),
        el("td", { class: "error" }, v ? v.vipProblems.join("; ") : "")));
    list.append(el("section", { class: "card", id: "svc-" + s.name },
      el("h2", {}, s.name, " ", el("span", { class: "muted" }, "pool " + s.pool)),
      el("dl", { class: "facts" },
        el("dt", {}, "Active node"), el("dd", { id: "svc-active-" + s.name }, s.activeNode),
        el("dt", {}, "VIPs"), el("dd", { class: "mono" }, s.vips.join(", ") || "none")),
      el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Node"), el("th", {}, "VIPs held"),
        el("th", {}, "Last hooks"), el("th", {}, "VIP problems"))), el("tbody", {}, held)),
      el("p", {}, el("button", { class: "primary", id: "switchover-" + s.name, disabled: s.syncLocked || !cluster.peerReachable,
        onclick: () => switchover(s, target) }, "Switch over to " + target),
        s.syncLocked ? el("span", { class: "error" }, " Sync is locked: resolve it on the health page first.") : null),
      el("div", { id: "switch-" + s.name }, switchReports[s.name] || null)));
  }
  content().replaceChildren(list);
}

// The last switchover's steps stay on the page when it refreshes.
const switchReports = {};

let switching = false;
async function switchover(service, target) {
  const ok = await confirmAction("Switch " + service.name + " over from " + service.activeNode + " to " + target
    + "? Clients lose the VIP for the few seconds the switchover takes; no data is lost.");
  if (!ok) return;
  switching = true;
  const box = document.getElementById("switch-" + service.name);
  const list = el("ol", { class: "steps", id: "switch-steps" });
  const status = el("p", { id: "switch-status" }, "Switching over…");
  const report = el("div", {}, el("h2", {}, "Switchover to " + target), list, status);
  switchReports[service.name] = report;
  box.replaceChildren(report);
  let finished = false;
  const show = (steps, current) => {
    list.replaceChildren(...steps.map((st) => el("li", { class: st.ok ? "done" : "failed" },
      st.name + " (" + st.millis + " ms)" + (st.detail ? ": " + st.detail : ""))),
      ...(current ? [el("li", { class: "running" }, current + " …")] : []));
  };
  const watch = async () => {
    while (!finished) {
      try {
        const op = await api("GET", "/services/" + service.name + "/operation");
        if (op.running && !finished) show(op.done, op.current);
      } catch (e) { /* the owner changes during a switchover; keep watching */ }
      await new Promise((r) => setTimeout(r, 400));
    }
  };
  watch();
  try {
    const result = await api("POST", "/services/" + service.name + "/failover", { to: target, force: false });
    finished = true;
    show(result.steps, null);
    status.textContent = (result.ok ? "Done: " : "Failed: ") + result.summary;
    status.className = result.ok ? "ok" : "error";
  } catch (e) {
    finished = true;
    status.textContent = "Failed: " + e.message;
    status.className = "error";
  }
  switching = false;
  setTimeout(() => renderServices().catch(showProblem), 1500);
}

// ---- Snapshots -------------------------------------------------------------------------------

async function serviceNames() {
  const status = await api("GET", "/status");
  return status.services.map((s) => s.name);
}

function servicePicker(names, selected, onchange) {
  const select = el("select", { id: "service-picker", onchange: (e) => onchange(e.target.value) },
    names.map((n) => el("option", { value: n, selected: n === selected }, n)));
  return el("label", {}, "Service ", select);
}

let snapshotService = null;
async function renderSnapshots() {
  const names = await serviceNames();
  if (!names.length) { content().replaceChildren(el("p", {}, "No services are configured.")); return; }
  if (!snapshotService) snapshotService = names[0];
  const view = await api("GET", "/services/" + snapshotService + "/snapshots");
  const [activeSide, passiveSide] = view.self.node === view.activeNode ? [view.self, view.peer] : [view.peer, view.self];
  const byGuid = new Map();
  for (const s of activeSide.snapshots) byGuid.set(s.guid, { active: s });
  for (const s of passiveSide.snapshots) {
    const row = byGuid.get(s.guid) || {};
    row.passive = s;
    byGuid.set(s.guid, row);
  }
  const rows = [...byGuid.values()].sort((a, b) =>
    new Date((a.active || a.passive).creation) - new Date((b.active || b.passive).creation));
  let newestCommon = null;
  for (const r of rows) if (r.active && r.passive) newestCommon = r;
  const cell = (s) => s ? [el("td", { class: "mono" }, s.name.substring(s.name.indexOf("@"))),
    el("td", {}, when(s.creation)), el("td", { class: "num" }, bytes(s.usedBytes))]
    : [el("td", { class: "muted" }, "—"), el("td", {}), el("td", {})];
  const body = rows.reverse().map((r) => el("tr", {
    class: r === newestCommon ? "newest-common" : (r.active && r.passive ? "common" : null),
    "data-guid": (r.active || r.passive).guid },
    ...cell(r.active), el("td", { class: "mono muted" }, (r.active || r.passive).guid,
      r === newestCommon ? el("span", { class: "badge", id: "newest-common" }, " newest common") : null),
    ...cell(r.passive)));
  const side = (n) => n.node + (n.error ? " (" + n.error + ")" : "") + ": " + n.snapshots.length + " snapshots";
  content().replaceChildren(
    el("div", { class: "filters" }, servicePicker(names, snapshotService, (v) => { snapshotService = v; renderSnapshots().catch(showProblem); })),
    el("p", {}, "Active: " + side(activeSide), el("br"), "Passive: " + side(passiveSide)),
    el("table", { id: "snapshots" },
      el("thead", {}, el("tr", {}, el("th", {}, "Active " + activeSide.node), el("th", {}, "Created"), el("th", { class: "num" }, "Size"),
        el("th", {}, "GUID"), el("th", {}, "Passive " + passiveSide.node), el("th", {}, "Created"), el("th", { class: "num" }, "Size"))),
      el("tbody", {}, body)));
}

// ---- Settings --------------------------------------------------------------------------------

const SETTING_FIELDS = [
  ["snapshotInterval", "Snapshot interval", "a duration such as 15m, 5s, 1h"],
  ["retentionCount", "Retention count", "snapshots kept on each node"],
  ["pullInterval", "Pull interval", "a duration such as 3m, 30s"],
];

function settingsForm(scope, title, values, ranges, note) {
  const id = scope === null ? "cluster" : scope;
  const form = el("form", { class: "card", id: "settings-" + id });
  form.append(el("h2", {}, title));
  if (note) form.append(el("p", { class: "muted" }, note));
  for (const [key, label, hint] of SETTING_FIELDS) {
    form.append(el("div", { class: "field" },
      el("label", { for: id + "-" + key }, label),
      el("input", { id: id + "-" + key, name: key, value: values[key], required: true }),
      el("span", { class: "hint" }, " " + hint + "; allowed " + ranges[key]),
      el("span", { class: "field-error", id: id + "-" + key + "-error" })));
  }
  form.append(el("p", { class: "muted" }, "A changed snapshot or pull interval takes effect when the current one expires."));
  const result = el("span", { id: "settings-" + id + "-result" });
  form.append(el("button", { type: "submit", class: "primary", id: "save-" + id }, "Save on both nodes"), " ", result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const [key] of SETTING_FIELDS) {
      document.getElementById(id + "-" + key + "-error").textContent = "";
      document.getElementById(id + "-" + key).classList.remove("invalid");
    }
    result.textContent = "Saving…";
    result.className = "";
    const body = { service: scope };
    for (const [key] of SETTING_FIELDS) body[key] = form.elements[key].value.trim();
    try {
      const saved = await api("POST", "/settings", body);
      result.textContent = "Saved. " + saved.summary;
      result.className = "ok";
    } catch (e) {
      const m = /^(snapshotInterval|retentionCount|pullInterval): (.*)$/.exec(e.error || "");
      if (m) {
        document.getElementById(id + "-" + m[1] + "-error").textContent = m[2] + (e.fix ? " (" + e.fix + ")" : "");
        document.getElementById(id + "-" + m[1]).classList.add("invalid");
        result.textContent = "Not saved.";
      } else {
        result.textContent = "Not saved: " + e.message;
      }
      result.className = "error";
    }
  });
  return form;
}

async function renderSettings() {
  const view = await api("GET", "/settings");
  const forms = [settingsForm(null, "Cluster (every service)", view.cluster, view.ranges,
    "Applies to every service that has no setting of its own made here.")];
  for (const s of view.services) {
    forms.push(settingsForm(s.name, "Service " + s.name, s.effective, view.ranges,
      s.overridden ? "This service has its own settings." : "Follows the cluster settings."));
  }
  content().replaceChildren(...forms);
}

// ---- Transfers and history -------------------------------------------------------------------

let historyService = null;
let eventFilter = { service: "", kind: "", limit: "100" };

function lagChart(history) {
  const W = 900, H = 200, L = 50, B = 24, T = 10, R = 10;
  const now = Date.now(), from = now - 24 * 3600 * 1000;
  const points = history.samples.filter((p) => p.lagSeconds !== null)
    .map((p) => [new Date(p.at).getTime(), p.lagSeconds]);
  const max = Math.max(60, ...points.map((p) => p[1]));
  const x = (t) => L + (t - from) / (now - from) * (W - L - R);
  const y = (v) => H - B - v / max * (H - B - T);
  const chart = svg("svg", { class: "chart", id: "lag-chart", viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "none", role: "img" });
  chart.append(svg("title", {}, "Lag of " + history.service + " over the last 24 hours"));
  for (let i = 0; i <= 4; i++) {
    const v = max * i / 4;
    chart.append(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#e1e5ea" }));
    chart.append(svg("text", { x: 4, y: y(v) + 4 }, seconds(Math.round(v))));
  }
  for (let h = 0; h <= 24; h += 6) {
    const t = from + h * 3600 * 1000;
    chart.append(svg("text", { x: x(t) - 14, y: H - 6 }, h === 24 ? "now" : "-" + (24 - h) + " h"));
  }
  if (points.length) {
    chart.append(svg("polyline", { fill: "none", stroke: "#1d4f7a", "stroke-width": 2,
      points: points.map((p) => x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1)).join(" ") }));
  } else {
    chart.append(svg("text", { x: W / 2 - 80, y: H / 2 }, "no samples yet (one every " + history.sampleSeconds + " s)"));
  }
  return chart;
}

function transferView(node, status) {
  const t = status.transfer;
  if (!t || t.finished) return el("p", { id: "transfer" }, "No transfer running on " + node + ".");
  const pct = t.totalBytesEstimate ? Math.min(100, 100 * t.bytesDone / t.totalBytesEstimate) : null;
  const bar = el("div", { class: "progress" }, el("div", {}));
  bar.firstChild.style.width = (pct === null ? 100 : pct.toFixed(1)) + "%";
  return el("div", { id: "transfer", class: "card" },
    el("strong", {}, "Pulling " + t.dataset + " into " + node), " ", el("span", { class: "muted mono" }, t.plan || ""),
    bar,
    el("p", {}, bytes(t.bytesDone) + (t.totalBytesEstimate ? " of about " + bytes(t.totalBytesEstimate) : "")
      + " · " + bytes(Math.round(t.bytesPerSecond)) + "/s · ETA " + seconds(t.etaSeconds)));
}

async function renderHistory() {
  const cluster = await api("GET", "/cluster");
  const names = cluster.selfStatus.services.map((s) => s.name);
  if (!names.length) { content().replaceChildren(el("p", {}, "No services are configured.")); return; }
  if (!historyService) historyService = names[0];
  const mine = cluster.selfStatus.services.find((s) => s.name === historyService);
  const theirs = cluster.peerStatus && cluster.peerStatus.services.find((s) => s.name === historyService);
  const passiveNode = mine.role === "passive" ? cluster.self : cluster.peer;
  const passiveStatus = mine.role === "passive" ? mine : theirs;
  // Runs are recorded on the passive, which pulls; either node's API answers with them.
  const runsView = await api("GET", "/services/" + historyService + "/runs?limit=30");
  const lag = await api("GET", "/services/" + historyService + "/lag-history");
  const q = new URLSearchParams({ limit: eventFilter.limit });
  if (eventFilter.service) q.set("service", eventFilter.service);
  if (eventFilter.kind) q.set("kind", eventFilter.kind);
  const events = await api("GET", "/events?" + q.toString());
  const runTable = el("div", {},
    el("p", { class: "muted" }, "As recorded by " + runsView.node + (runsView.error ? " (" + runsView.error + ")" : "") + "."),
    el("table", { id: "runs" },
      el("thead", {}, el("tr", {}, el("th", {}, "Finished"), el("th", {}, "From"), el("th", {}, "Result"),
        el("th", { class: "num" }, "Bytes"), el("th", { class: "num" }, "Duration"), el("th", {}, "Plan / error"))),
      el("tbody", {}, runsView.runs.map((r) => el("tr", {}, el("td", {}, when(r.finished)), el("td", {}, r.sourceNode + " → " + r.targetNode),
        el("td", { class: r.result === "failed" ? "error" : "" }, r.result), el("td", { class: "num" }, bytes(r.bytes)),
        el("td", { class: "num" }, seconds(r.seconds)), el("td", { class: "mono" }, r.error || r.plan || ""))))));
  const kinds = ["", "role_change", "sync_locked", "sync_unlocked", "fence", "vip_up", "vip_down", "operator_action",
    "replication_error", "snapshot", "config", "daemon", "access"];
  const filters = el("form", { class: "filters", id: "event-filters" },
    el("label", {}, "Service ", el("select", { name: "service" }, el("option", { value: "" }, "all"),
      names.map((n) => el("option", { value: n, selected: n === eventFilter.service }, n)))),
    el("label", {}, "Kind ", el("select", { name: "kind", id: "event-kind" },
      kinds.map((k) => el("option", { value: k, selected: k === eventFilter.kind }, k || "all")))),
    el("label", {}, "Show ", el("select", { name: "limit" }, ["50", "100", "500"].map((n) => el("option", { value: n, selected: n === eventFilter.limit }, n)))),
    el("button", { type: "submit" }, "Filter"));
  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    eventFilter = { service: filters.elements.service.value, kind: filters.elements.kind.value, limit: filters.elements.limit.value };
    renderHistory().catch(showProblem);
  });
  const eventTable = el("table", { id: "events" },
    el("thead", {}, el("tr", {}, el("th", {}, "When"), el("th", {}, "Kind"), el("th", {}, "Service"), el("th", {}, "Node"),
      el("th", {}, "Actor"), el("th", {}, "Message"))),
    el("tbody", {}, events.map((e) => el("tr", {}, el("td", {}, when(e.at)), el("td", {}, e.kind), el("td", {}, e.service || "—"),
      el("td", {}, e.node), el("td", {}, e.actor), el("td", {}, e.message)))));
  content().replaceChildren(
    el("div", { class: "filters" }, servicePicker(names, historyService, (v) => { historyService = v; renderHistory().catch(showProblem); })),
    el("h2", {}, "Running transfer"), el("div", { id: "transfer-box" }, passiveStatus ? transferView(passiveNode, passiveStatus) : el("p", {}, "The passive does not answer.")),
    el("h2", {}, "Lag over the last 24 hours (as " + lag.node + " sees it)"), lagChart(lag),
    el("h2", {}, "Recent replication runs"), runTable,
    el("h2", {}, "Events"), filters, eventTable);
}

// Only the transfer box refreshes every second, so a filter being chosen is not reset.
async function refreshTransfer() {
  const box = document.getElementById("transfer-box");
  if (!box || !historyService) return;
  const cluster = await api("GET", "/cluster");
  const mine = cluster.selfStatus.services.find((s) => s.name === historyService);
  const theirs = cluster.peerStatus && cluster.peerStatus.services.find((s) => s.name === historyService);
  const passiveNode = mine.role === "passive" ? cluster.self : cluster.peer;
  const passiveStatus = mine.role === "passive" ? mine : theirs;
  box.replaceChildren(passiveStatus ? transferView(passiveNode, passiveStatus) : el("p", {}, "The passive does not answer."));
}

// ---- Start -----------------------------------------------------------------------------------

function start() {
  switch (PAGE) {
    case "health": startHealth(); break;
    case "services": poll(renderServices, 5000); break;
    case "snapshots": poll(renderSnapshots, 15000); break;
    case "settings": renderSettings().catch(showProblem); break;
    case "history":
      renderHistory().then(() => poll(refreshTransfer, 1000)).catch(showProblem);
      setInterval(() => renderHistory().catch(showProblem), 60000);
      break;
    default: break;
  }
}
start();
