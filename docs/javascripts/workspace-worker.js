// The workspace's Python: Pyodide, in a worker of its own, so that a student's endless loop never
// freezes the page (the page ends the worker instead). It starts on the first Run or Check; the
// site's service worker answers its downloads from the cache after the first page that used it.
let python = null;

async function start(root, checks) {
  importScripts(root + "javascripts/vendor/pyodide/pyodide.js");
  const pyodide = await loadPyodide({ indexURL: root + "javascripts/vendor/pyodide/" });
  const bundle = await (await fetch(root + checks)).json();
  for (const [path, text] of Object.entries(bundle)) {
    const file = "/course/" + path;
    pyodide.FS.mkdirTree(file.slice(0, file.lastIndexOf("/")));
    pyodide.FS.writeFile(file, text);
  }
  pyodide.runPython("import sys; sys.path.insert(0, '/course/grader'); import mgc.workspace");
  return pyodide;
}

const CALLS = {
  check: "json.dumps(mgc.workspace.run_checks(json.loads(notebook_json), json.loads(edits_json), lang))",
  run: "json.dumps(mgc.workspace.run_code(json.loads(notebook_json), json.loads(edits_json), cell, source))",
};

self.onmessage = async (event) => {
  const { type, root, checks, notebook, edits, lang, cell, source } = event.data;
  try {
    python ??= start(root, checks);
    const pyodide = await python;
    pyodide.globals.set("notebook_json", notebook);
    pyodide.globals.set("edits_json", JSON.stringify(edits));
    pyodide.globals.set("lang", lang);
    pyodide.globals.set("cell", cell ?? null);
    pyodide.globals.set("source", source ?? null);
    const answer = JSON.parse(pyodide.runPython("import json, mgc.workspace\n" + CALLS[type]));
    self.postMessage(type === "check" ? { results: answer } : { run: answer });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
