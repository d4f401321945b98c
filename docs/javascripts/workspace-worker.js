// The workspace's Python: Pyodide, in a worker of its own, so that a student's endless loop
// never freezes the page (the page ends the worker instead). It loads on the first check.
let python = null;

async function start(root) {
  importScripts(root + "javascripts/vendor/pyodide/pyodide.js");
  const pyodide = await loadPyodide({ indexURL: root + "javascripts/vendor/pyodide/" });
  const bundle = await (await fetch(root + "workspace/mgc.json")).json();
  for (const [path, text] of Object.entries(bundle)) {
    const file = "/course/" + path;
    pyodide.FS.mkdirTree(file.slice(0, file.lastIndexOf("/")));
    pyodide.FS.writeFile(file, text);
  }
  pyodide.runPython("import sys; sys.path.insert(0, '/course/grader'); import mgc.workspace");
  return pyodide;
}

self.onmessage = async (event) => {
  const { root, notebook, edits } = event.data;
  try {
    python ??= start(root);
    const pyodide = await python;
    pyodide.globals.set("notebook_json", notebook);
    pyodide.globals.set("edits_json", JSON.stringify(edits));
    const results = pyodide.runPython(
      "import json, mgc.workspace\n" +
        "json.dumps(mgc.workspace.run_checks(json.loads(notebook_json), json.loads(edits_json)))",
    );
    self.postMessage({ results: JSON.parse(results) });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
