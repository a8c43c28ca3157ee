// The task page's one job: send the decision to the API as the signed-in
// person (the session cookie, and the CSRF token the API asks for on writes),
// then show the page again with the task's new state.
"use strict";

const panel = document.getElementById("decide");

function csrfToken() {
  const found = document.cookie.split("; ").find(c => c.startsWith("poflow_csrf="));
  return found ? decodeURIComponent(found.slice("poflow_csrf=".length)) : "";
}

function say(text, kind) {
  const answer = document.getElementById("answer");
  answer.className = `answer ${kind || ""}`;
  answer.textContent = text;
}

async function readError(response) {
  try {
    const body = await response.json();
    const detail = body.detail || "";
    const extra = (body.errors || []).filter(e => !detail.includes(e.reason)).map(e => `${e.field}: ${e.reason}`);
    return [detail, ...extra].filter(Boolean).join("; ") || `${response.status} ${response.statusText}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

// accept_variance names the ticked holds (never none: the server would read
// that as "every hold a person may release").
function chosenHolds(decision) {
  const ticks = [...panel.querySelectorAll('input[name="hold"]:not(:disabled)')];
  if (decision !== "accept_variance" || ticks.length === 0) return [];
  const chosen = ticks.filter(t => t.checked).map(t => t.value);
  if (chosen.length === 0) throw new Error("tick the holds to release, or choose another decision");
  return chosen;
}

// A review's corrected reading: the reading as intake made it, with each
// form field written back at its path ("lines[0].unit_price"); empty = none.
function correctedReading(decision) {
  const data = document.getElementById("reading-json");
  if (!data || decision !== "send_on") return null;
  const reading = JSON.parse(data.textContent);
  for (const input of document.querySelectorAll("#reading input[data-path]:not([readonly])")) {
    setPath(reading, input.dataset.path, input.value.trim() === "" ? null : input.value.trim());
  }
  return reading;
}

function setPath(target, path, value) {
  const keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let node = target;
  keys.slice(0, -1).forEach((key, i) => {
    if (node[key] === undefined || node[key] === null) node[key] = /^\d+$/.test(keys[i + 1]) ? [] : {};
    node = node[key];
  });
  node[keys[keys.length - 1]] = value;
}

// re_source names the vendor to buy the rejected line from (and its price).
function reSource(decision) {
  if (decision !== "re_source") return {};
  const vendor = document.getElementById("vendor_id").value.trim();
  const price = document.getElementById("unit_price").value.trim();
  if (!vendor) throw new Error("name the vendor to buy the line from");
  return { vendor_id: vendor, unit_price: price || null };
}

async function decide(decision) {
  let body;
  try {
    const comment = document.getElementById("comment").value.trim();
    body = { decision, comment: comment || null, holds: chosenHolds(decision), document: correctedReading(decision), ...reSource(decision) };
  } catch (error) {
    say(`Not sent: ${error.message}.`, "error");
    return;
  }
  const buttons = panel.querySelectorAll("button");
  buttons.forEach(b => b.disabled = true);
  say(`Sending “${decision.replace(/_/g, " ")}”…`);
  try {
    const response = await fetch(`/api/v1/tasks/${encodeURIComponent(panel.dataset.task)}/decision`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify(body),
    });
    if (response.status === 401) {
      window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
      return;
    }
    if (!response.ok) throw new Error(await readError(response));
    const task = await response.json();
    say(`Done: ${(task.decision || decision).replace(/_/g, " ")} by ${task.decided_by}. Showing the result…`, "ok");
    setTimeout(() => window.location.reload(), 1200);
  } catch (error) {
    say(`Not recorded: ${error.message}`, "error");
    buttons.forEach(b => b.disabled = false);
  }
}

if (panel) {
  panel.querySelectorAll("button[data-decision]").forEach(button =>
    button.addEventListener("click", () => decide(button.dataset.decision)));
}

// A review: focusing a field outlines where on the page intake read it.
for (const input of document.querySelectorAll("#reading input[data-path]")) {
  const marks = () => document.querySelectorAll(`rect.mark[data-path="${CSS.escape(input.dataset.path)}"]`);
  input.addEventListener("focus", () => marks().forEach(m => m.classList.add("focus")));
  input.addEventListener("blur", () => marks().forEach(m => m.classList.remove("focus")));
}
