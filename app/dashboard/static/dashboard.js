// crowdmock dashboard: polls the admin API for the journal, fault rules and health. No dependencies.
"use strict";
(function () {
  const ADMIN = "/__admin";
  const POLL_MS = 1000;
  const LIMIT = 200;
  const $ = (sel) => document.querySelector(sel);
  const rows = new Map(); // journal id -> [summary row, detail row]
  const open = new Set(); // ids whose details are expanded

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("data-")) node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const child of children) node.append(child instanceof Node ? child : String(child ?? ""));
    return node;
  }

  async function api(method, path, body) {
    const init = { method, headers: {} };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(tenantPrefix() + ADMIN + path, init);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  // The tenant every view shows (docs/parallel-tests.md): its admin API is /t/<name>/__admin.
  function tenantPrefix() {
    const name = $("#tenant").value;
    return name === "default" ? "" : "/t/" + encodeURIComponent(name);
  }

  function renderTenants(tenants) {
    const select = $("#tenant");
    const chosen = select.value;
    const names = tenants.map((t) => t.name);
    if (names.join() === [...select.options].map((o) => o.value).join()) return;
    select.replaceChildren(...names.map((name) => el("option", { value: name }, name)));
    select.value = names.includes(chosen) ? chosen : "default";
  }

  function forgetJournal() {
    for (const pair of rows.values()) pair.forEach((node) => node.remove());
    rows.clear();
  }

  function filterQuery() {
    const params = new URLSearchParams({ limit: String(LIMIT) });
    for (const name of ["vendor", "method", "path", "status"]) {
      const value = $("#filter-" + name).value.trim();
      if (value) params.set(name, value);
    }
    const unmatched = $("#filter-unmatched").checked;
    return (unmatched ? "/requests/unmatched?" : "/requests?") + params.toString();
  }

  function headerList(headers) {
    const dl = el("dl", { class: "headers" });
    for (const [name, value] of Object.entries(headers || {})) dl.append(el("dt", {}, name), el("dd", {}, value));
    return dl;
  }

  function pretty(text) {
    if (!text) return "(empty)";
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (e) {
      return text;
    }
  }

  function statusClass(status) {
    if (status === null) return "s-dropped";
    return status >= 500 ? "s-5xx" : status >= 400 ? "s-4xx" : status >= 300 ? "s-3xx" : "s-2xx";
  }

  function renderEntry(entry) {
    const path = entry.path + (entry.query ? "?" + entry.query : "");
    const flags = [];
    if (entry.unmatched) flags.push(el("span", { class: "flag" }, "unmatched"));
    if (entry.fault !== null) flags.push(el("span", { class: "flag fault" }, "fault " + entry.fault));
    const summary = el(
      "tr",
      { class: "entry", "data-id": String(entry.id), tabIndex: 0, title: "Show headers and bodies" },
      el("td", {}, entry.id),
      el("td", {}, entry.time.replace("T", " ").replace("Z", "")),
      el("td", { class: "tenant" }, entry.tenant),
      el("td", {}, entry.vendor),
      el("td", {}, entry.method),
      el("td", { class: "path" }, path, ...flags),
      el("td", { class: statusClass(entry.status) }, entry.status === null ? "dropped" : entry.status),
      el("td", {}, entry.duration_ms.toFixed(1)),
    );
    const detail = el(
      "tr",
      { class: "detail", "data-detail-for": String(entry.id), hidden: !open.has(entry.id) },
      el(
        "td",
        { colSpan: 8 },
        el(
          "div",
          { class: "panes" },
          el("div", {}, el("h3", {}, "Request headers"), headerList(entry.headers),
            el("h3", {}, `Request body (${entry.body_size} bytes)`), el("pre", { class: "req-body" }, pretty(entry.body))),
          el("div", {}, el("h3", {}, "Response headers"), headerList(entry.response_headers),
            el("h3", {}, `Response body (${entry.response_size} bytes)`),
            el("pre", { class: "resp-body" }, pretty(entry.response_body))),
        ),
      ),
    );
    const toggle = () => {
      detail.hidden = !detail.hidden;
      if (detail.hidden) open.delete(entry.id);
      else open.add(entry.id);
    };
    summary.addEventListener("click", toggle);
    summary.addEventListener("keydown", (e) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), toggle()));
    return [summary, detail];
  }

  function renderJournal(entries) {
    const tbody = $("#journal tbody");
    const wanted = new Set(entries.map((e) => e.id));
    for (const [id, pair] of rows) {
      if (!wanted.has(id)) {
        pair.forEach((node) => node.remove());
        rows.delete(id);
      }
    }
    let previous = null; // entries are newest first; keep the DOM in that order
    for (const entry of entries) {
      let pair = rows.get(entry.id);
      if (!pair) {
        pair = renderEntry(entry);
        rows.set(entry.id, pair);
      }
      const anchor = previous ? previous[1].nextSibling : tbody.firstChild;
      if (pair[0] !== anchor) tbody.insertBefore(pair[0], anchor);
      if (pair[1] !== pair[0].nextSibling) tbody.insertBefore(pair[1], pair[0].nextSibling);
      previous = pair;
    }
    $("#journal-empty").hidden = entries.length > 0;
  }

  function renderFaults(faults) {
    const list = $("#faults");
    list.replaceChildren();
    if (!faults.length) list.append(el("li", { class: "muted" }, "none"));
    for (const f of faults) {
      const match = [f.vendor || "any vendor", f.method || "any method", f.path || (f.path_regex ? "~" + f.path_regex : "any path")];
      const effect = [];
      if (f.status !== null) effect.push("status " + f.status);
      if (f.delay_ms || f.delay_max_ms) effect.push("delay " + f.delay_ms + (f.delay_max_ms ? "–" + f.delay_max_ms : "") + " ms");
      if (f.drop_connection) effect.push("drop connection");
      if (f.retry_after !== null) effect.push("Retry-After " + f.retry_after);
      if (f.times !== null) effect.push(f.times + " more");
      if (f.probability < 1) effect.push("p=" + f.probability);
      list.append(el("li", { "data-fault": String(f.id) }, `#${f.id} ${match.join(" ")} → ${effect.join(", ")} (hits ${f.hits})`));
    }
  }

  async function refresh() {
    try {
      // The tenants first: a chosen tenant that was deleted or expired is dropped, not made again by the polls.
      const tenants = await fetch(ADMIN + "/tenants").then((r) => r.json());
      const before = $("#tenant").value;
      renderTenants(tenants.tenants);
      if ($("#tenant").value !== before) forgetJournal();
      const [journal, faults, health] = await Promise.all([
        $("#pause").checked ? null : api("GET", filterQuery()),
        api("GET", "/faults"),
        fetch(ADMIN + "/health").then((r) => r.json().then((b) => [r.status, b])),
      ]);
      if (journal) renderJournal(journal.requests);
      renderFaults(faults.faults);
      const badge = $("#health");
      badge.textContent = health[1].status;
      badge.className = "badge " + (health[0] === 200 ? "ok" : "bad");
    } catch (err) {
      const badge = $("#health");
      badge.textContent = "unreachable";
      badge.className = "badge bad";
    }
  }

  async function act(button, method, path, done) {
    button.disabled = true;
    try {
      const result = await api(method, path);
      if (done) done(result);
    } catch (err) {
      $("#reset-status").textContent = "Failed: " + err.message;
    } finally {
      button.disabled = false;
      refresh();
    }
  }

  $("#reset-button").addEventListener("click", (e) =>
    act(e.target, "POST", "/reset", (r) => {
      $("#reset-status").textContent = `Reset ${r.reset.join(", ")} in ${r.duration_ms} ms`;
    }),
  );
  $("#clear-faults").addEventListener("click", (e) => act(e.target, "DELETE", "/faults"));
  $("#clear-journal").addEventListener("click", (e) => act(e.target, "DELETE", "/requests"));
  $("#filters").addEventListener("input", refresh);
  $("#tenant").addEventListener("change", () => {
    forgetJournal(); // entry ids are per tenant
    refresh();
  });
  $("#filters").addEventListener("submit", (e) => e.preventDefault());
  refresh();
  setInterval(refresh, POLL_MS);
})();
