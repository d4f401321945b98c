// The exercise pages' workspace: the release notebook's solution cells in editors, a Check button
// that runs the assignment's visible checks in Pyodide (mgc.workspace, in workspace-worker.js),
// the student's code kept in this browser, and the notebook to download with it.
(() => {
  const root = document.currentScript.dataset.siteRoot;
  const FIRST_CHECK_SECONDS = 60; // Pyodide starts within it; later checks get CHECK_SECONDS
  const CHECK_SECONDS = 15; // a page may set its own, in seconds: <div class="mgc-workspace" data-limit>
  const { EditorView, basicSetup, python, keymap, indentWithTab } = window.MgcEditor;

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }

  async function workspace(box) {
    const assignment = box.dataset.assignment;
    const page = await (await fetch(`${root}workspace/${assignment}.json`)).json();
    const stored = (id) => `mgc-workspace/${assignment}/${id}`;
    const editors = {};
    for (const cell of page.cells) {
      const holder = element("div", { class: "mgc-editor", "data-cell": cell.id });
      box.append(element("p", { class: "mgc-cell-name" }, `Cell ${cell.grade_id}`), holder);
      editors[cell.id] = new EditorView({
        doc: localStorage.getItem(stored(cell.id)) ?? cell.source,
        parent: holder,
        extensions: [
          basicSetup,
          python(),
          keymap.of([indentWithTab]),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) localStorage.setItem(stored(cell.id), update.state.doc.toString());
          }),
        ],
      });
    }
    const edits = () => Object.fromEntries(Object.entries(editors).map(([id, e]) => [id, e.state.doc.toString()]));
    const check = element("button", { class: "md-button md-button--primary", type: "button" }, "Check");
    const download = element("button", { class: "md-button", type: "button" }, "Download notebook");
    const reset = element("button", { class: "md-button", type: "button" }, "Start over");
    const status = element("p", { class: "mgc-status", role: "status" });
    const results = element("div", { class: "mgc-results", "aria-live": "polite" });
    box.append(element("p", { class: "mgc-buttons" }, check, " ", download, " ", reset), status, results);

    let notebookText = null;
    const notebook = async () => (notebookText ??= await (await fetch(page.notebook)).text());
    let worker = null;
    let checked = false;

    check.addEventListener("click", async () => {
      check.disabled = true;
      const started = performance.now();
      status.textContent = checked ? "Checking…" : "Starting Python in your browser (once per visit), then checking…";
      worker ??= new Worker(`${root}javascripts/workspace-worker.js`);
      const seconds = Number(box.dataset.limit) || (checked ? CHECK_SECONDS : FIRST_CHECK_SECONDS);
      const answer = await new Promise(async (resolve) => {
        const timer = setTimeout(() => resolve({ timeout: true }), seconds * 1000);
        worker.onmessage = (event) => {
          clearTimeout(timer);
          resolve(event.data);
        };
        worker.postMessage({ root, notebook: await notebook(), edits: edits() });
      });
      if (answer.timeout) {
        worker.terminate(); // the only way to stop a loop that never ends; the next check starts afresh
        worker = null;
        checked = false;
        status.textContent = `Stopped after ${seconds} s: does your code loop forever?`;
      } else if (answer.error) {
        status.textContent = `The check itself failed: ${answer.error}`;
      } else {
        checked = true;
        show(answer.results);
        const took = (performance.now() - started) / 1000;
        status.textContent = `Checked in ${took.toFixed(2)} s, on the lecture's cases only: the graders also try random and awkward inputs.`;
        box.dataset.checkSeconds = took.toFixed(3);
      }
      check.disabled = false;
    });

    function show({ cells, exercises }) {
      results.replaceChildren();
      for (const error of cells) {
        results.append(element("p", { class: "mgc-cell-error" }, `Cell ${error.id}: ${error.error}`));
      }
      const passed = exercises.filter((e) => e.status === "passed").length;
      results.append(element("p", { class: "mgc-summary" }, `${passed} of ${exercises.length} exercises pass.`));
      for (const exercise of exercises) {
        const item = element("div", { class: `mgc-verdict mgc-${exercise.status}`, "data-exercise": exercise.id });
        item.append(element("strong", {}, `${exercise.id}: ${exercise.status}`));
        if (exercise.feedback) item.append(element("pre", {}, exercise.feedback));
        results.append(item);
      }
    }

    download.addEventListener("click", async () => {
      // the release notebook, each solution cell holding the student's code: the same cells and ids
      const json = JSON.parse(await notebook());
      const mine = edits();
      for (const cell of json.cells) {
        if (cell.metadata?.nbgrader?.solution && cell.id in mine) cell.source = mine[cell.id];
      }
      const blob = new Blob([JSON.stringify(json, null, 1) + "\n"], { type: "application/x-ipynb+json" });
      const link = element("a", { href: URL.createObjectURL(blob), download: page.notebook });
      document.body.append(link);
      link.click();
      link.remove();
    });

    reset.addEventListener("click", () => {
      if (!confirm("Put the stubs back? Your code in this browser will be lost.")) return;
      for (const cell of page.cells) {
        localStorage.removeItem(stored(cell.id));
        const editor = editors[cell.id];
        editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: cell.source } });
        localStorage.removeItem(stored(cell.id));
      }
    });
    box.dataset.ready = "true";
  }

  for (const box of document.querySelectorAll(".mgc-workspace")) workspace(box);
})();
