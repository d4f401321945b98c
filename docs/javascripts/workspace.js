// The exercise pages' workspace: the release notebook laid out as mgc.workspace.layout says (its
// instructions, an editor for each exercise's part of the solution cells, its try-it cells with a
// Run button), Check for the assignment's visible checks, the student's code kept in this browser,
// and the notebook to download with it. Python is Pyodide, in workspace-worker.js; the site's
// service worker (sw.js) keeps it, so that it is downloaded once for the whole site.
(() => {
  const root = document.currentScript.dataset.siteRoot;
  const FIRST_SECONDS = 60; // Python starts within it; later runs and checks get LATER_SECONDS
  const LATER_SECONDS = 15; // a page may set its own, in seconds: <div class="mgc-workspace" data-limit>
  const CM = window.MgcEditor;

  function element(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }

  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? `{${key}}`);

  // The service worker, registered at the site's root: a worker started after it controls the
  // page has its Pyodide fetches answered from the Cache API.
  const controlled = (async () => {
    if (!("serviceWorker" in navigator)) return;
    try {
      await navigator.serviceWorker.register(`${root}sw.js`);
      await navigator.serviceWorker.ready;
      if (navigator.serviceWorker.controller) return;
      await new Promise((resolve) => {
        navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true });
        setTimeout(resolve, 3000);
      });
    } catch (error) {
      console.warn("workspace: no service worker, Pyodide is fetched on each page", error);
    }
  })();

  function editor(parent, doc, onChange, firstLine) {
    const numbers = new CM.Compartment();
    const gutter = (offset) => CM.lineNumbers({ formatNumber: (n) => String(n + offset) });
    const view = new CM.EditorView({
      doc,
      parent,
      extensions: [
        CM.minimalSetup,
        numbers.of(gutter(firstLine - 1)),
        CM.highlightActiveLineGutter(),
        CM.bracketMatching(),
        CM.indentOnInput(),
        CM.syntaxHighlighting(CM.classHighlighter),
        CM.python(),
        CM.keymap.of([CM.indentWithTab]),
        CM.EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
      ],
    });
    view.firstLine = firstLine;
    view.renumber = (line) => {
      if (line === view.firstLine) return;
      view.firstLine = line;
      view.dispatch({ effects: numbers.reconfigure(gutter(line - 1)) });
    };
    return view;
  }

  async function workspace(box) {
    const assignment = box.dataset.assignment;
    const lang = box.dataset.lang || "en";
    const page = await (await fetch(`${root}workspace/${assignment}.${lang}.json`)).json();
    const ui = page.ui;
    const stored = (key) => `mgc-workspace/${assignment}/${key}`;
    const parts = {}; // solution cell id -> [{view, part, label, source}], in the cell's order
    const tries = {}; // try-it cell id -> {view, source, output}
    const slots = {}; // exercise id -> the element its verdict goes in
    const names = {}; // cell id -> what the page calls it

    const cellText = (cell) =>
      parts[cell]
        .map((p) => p.view.state.doc.toString())
        .map((text, i, all) => (i < all.length - 1 && !text.endsWith("\n") ? text + "\n" : text))
        .join("");
    const edits = () => Object.fromEntries(Object.keys(parts).map((cell) => [cell, cellText(cell)]));
    const lines = (text) => text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    const renumber = (cell) => {
      let line = 1;
      for (const p of parts[cell]) {
        p.view.renumber(line);
        p.start = line;
        const text = p.view.state.doc.toString();
        line += Math.max(lines(text), 1);
      }
    };

    for (const block of page.blocks) {
      if (block.kind === "markdown") {
        const text = element("div", { class: "mgc-markdown" });
        text.innerHTML = block.html; // written by the site's build from the release notebook
        box.append(text);
      } else if (block.kind === "given") {
        names[block.id] = ui.given;
        const code = element("pre", {}, element("code", {}, block.source));
        box.append(element("details", { class: "mgc-given" }, element("summary", {}, ui.given), code));
      } else if (block.kind === "editor") {
        const label = block.exercise ? fill(ui.your_code_for, { exercise: block.exercise }) : ui.your_code;
        const holder = element("div", { class: "mgc-editor", "data-cell": block.cell, "data-part": block.part });
        box.append(element("p", { class: "mgc-cell-name" }, label), holder);
        const key = stored(`${block.cell}/${block.part}`);
        const entry = { part: block.part, label, source: block.source, start: 1 };
        entry.view = editor(
          holder,
          localStorage.getItem(key) ?? block.source,
          (text) => {
            localStorage.setItem(key, text);
            renumber(block.cell);
          },
          1,
        );
        (parts[block.cell] ??= []).push(entry);
        parts[block.cell].sort((a, b) => a.part - b.part);
        names[block.cell] = ui.your_code;
      } else if (block.kind === "try") {
        const holder = element("div", { class: "mgc-editor mgc-try", "data-try": block.id });
        const output = element("pre", { class: "mgc-output", "aria-live": "polite", hidden: "" });
        const run = element("button", { class: "md-button mgc-run", type: "button" }, ui.run);
        box.append(element("p", { class: "mgc-cell-name" }, ui.try_it), holder);
        box.append(element("p", { class: "mgc-buttons" }, run), output);
        const key = stored(`try/${block.id}`);
        const view = editor(holder, localStorage.getItem(key) ?? block.source, (t) => localStorage.setItem(key, t), 1);
        tries[block.id] = { view, source: block.source, output };
        names[block.id] = ui.try_it;
        run.addEventListener("click", () => runCell(block.id, run));
      } else if (block.kind === "test") {
        const slot = element("div", { class: "mgc-slot", "data-exercise": block.exercise });
        slot.append(element("p", { class: "mgc-pending" }, fill(ui.check_here, { exercise: block.exercise })));
        slots[block.exercise] = slot;
        box.append(slot);
      }
    }
    for (const cell of Object.keys(parts)) renumber(cell);

    const check = element("button", { class: "md-button md-button--primary mgc-check", type: "button" }, ui.check);
    const download = element("button", { class: "md-button", type: "button" }, ui.download);
    const reset = element("button", { class: "md-button", type: "button" }, ui.reset);
    const status = element("p", { class: "mgc-status", role: "status" });
    const results = element("div", { class: "mgc-results", "aria-live": "polite" });
    box.append(element("p", { class: "mgc-buttons" }, check, " ", download, " ", reset), status, results);

    // Where an error happened, as the page names it: the editor (or try-it cell) and its line.
    function where(error) {
      let name = names[error.id] ?? error.id;
      if (parts[error.id] && error.line) {
        const hit = [...parts[error.id]].reverse().find((p) => p.start <= error.line);
        if (hit) name = hit.label;
      }
      const line = error.line ? fill(ui.line, { line: error.line }) : "";
      return fill(ui.cell_error, { where: name, line, error: error.error }).replace(/, :|，：/, ":");
    }

    // fetched now, so that a page opened online still runs and checks once the network is gone
    const notebookText = fetch(`${root}${page.notebook}`).then((response) => response.text());
    const notebook = () => notebookText;
    let worker = null;
    let started = false;

    // One request to Python, stopped (and Python with it) if it takes longer than its limit.
    async function ask(message, button) {
      button.disabled = true;
      await controlled;
      worker ??= new Worker(`${root}javascripts/workspace-worker.js`);
      const seconds = Number(box.dataset.limit) || (started ? LATER_SECONDS : FIRST_SECONDS);
      const answer = await new Promise(async (resolve) => {
        const timer = setTimeout(() => resolve({ timeout: true }), seconds * 1000);
        worker.onmessage = (event) => {
          clearTimeout(timer);
          resolve(event.data);
        };
        worker.postMessage({ root, checks: page.checks, notebook: await notebook(), edits: edits(), lang, ...message });
      });
      if (answer.timeout) {
        worker.terminate(); // the only way to stop a loop that never ends; the next request starts afresh
        worker = null;
        started = false;
        answer.stopped = fill(ui.stopped, { seconds });
      } else if (!answer.error) {
        started = true;
      }
      button.disabled = false;
      return answer;
    }

    async function runCell(id, button) {
      const { view, output } = tries[id];
      output.hidden = false;
      output.classList.remove("mgc-error");
      output.textContent = started ? ui.running : ui.starting_run;
      const answer = await ask({ type: "run", cell: id, source: view.state.doc.toString() }, button);
      if (answer.stopped || answer.error) {
        output.classList.add("mgc-error");
        output.textContent = answer.stopped ?? fill(ui.failed_itself, { error: answer.error });
        return;
      }
      const { output: printed, error, cells } = answer.run;
      const lines = [];
      if (cells.length) lines.push(ui.did_not_run, ...cells.map((e) => "  " + where(e)), "");
      if (printed || !error) lines.push(printed || ui.no_output);
      if (error) lines.push(where(error));
      output.classList.toggle("mgc-error", Boolean(error || cells.length));
      output.textContent = lines.join("\n").replace(/\n+$/, "");
    }

    check.addEventListener("click", async () => {
      const began = performance.now();
      status.textContent = started ? ui.checking : ui.starting;
      const answer = await ask({ type: "check" }, check);
      if (answer.stopped) {
        status.textContent = answer.stopped;
      } else if (answer.error) {
        status.textContent = fill(ui.failed_itself, { error: answer.error });
      } else {
        show(answer.results);
        const took = (performance.now() - began) / 1000;
        status.textContent = fill(ui.checked, { seconds: took.toFixed(2) });
        box.dataset.checkSeconds = took.toFixed(3);
      }
    });

    function verdict(exercise) {
      const item = element("div", { class: `mgc-verdict mgc-${exercise.status}`, "data-exercise": exercise.id });
      item.append(element("strong", {}, `${exercise.id}: ${ui[exercise.status] ?? exercise.status}`));
      if (exercise.feedback) item.append(element("pre", {}, exercise.feedback));
      return item;
    }

    function show({ cells, exercises }) {
      results.replaceChildren();
      if (cells.length) {
        results.append(element("p", { class: "mgc-cell-error" }, ui.did_not_run));
        for (const error of cells) results.append(element("p", { class: "mgc-cell-error" }, where(error)));
      }
      const passed = exercises.filter((e) => e.status === "passed").length;
      results.append(element("p", { class: "mgc-summary" }, fill(ui.summary, { passed, total: exercises.length })));
      for (const exercise of exercises) {
        results.append(verdict(exercise));
        const slot = slots[exercise.id];
        if (slot) slot.replaceChildren(verdict(exercise));
      }
    }

    download.addEventListener("click", async () => {
      // the page's notebook, each solution cell holding the student's code: the same cells and ids
      const json = JSON.parse(await notebook());
      const mine = edits();
      for (const cell of json.cells) {
        if (cell.metadata?.nbgrader?.solution && cell.id in mine) cell.source = mine[cell.id];
      }
      const blob = new Blob([JSON.stringify(json, null, 1) + "\n"], { type: "application/x-ipynb+json" });
      const link = element("a", { href: URL.createObjectURL(blob), download: page.name });
      document.body.append(link);
      link.click();
      link.remove();
    });

    reset.addEventListener("click", () => {
      if (!confirm(ui.reset_confirm)) return;
      const replace = (view, text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      for (const [cell, list] of Object.entries(parts)) {
        for (const p of list) {
          replace(p.view, p.source);
          localStorage.removeItem(stored(`${cell}/${p.part}`));
        }
      }
      for (const [id, t] of Object.entries(tries)) {
        replace(t.view, t.source);
        localStorage.removeItem(stored(`try/${id}`));
      }
    });
    box.dataset.ready = "true";
  }

  for (const box of document.querySelectorAll(".mgc-workspace")) workspace(box);
})();
