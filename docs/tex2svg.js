// Renders TeX to SVG for docs/hooks.py when the site is built, so pages need no math script.
// Usage: node docs/tex2svg.js MATHJAX_PACKAGE_DIR; then one JSON line per request on stdin,
// [[tex, display], ...], answered by one JSON line on stdout, [svg, ...].
const readline = require("readline");
require(process.argv[2] + "/es5/node-main.js")
  .init({ loader: { load: ["input/tex", "output/svg"] }, svg: { fontCache: "local" } })
  .then((MathJax) => {
    const adaptor = MathJax.startup.adaptor;
    const lines = readline.createInterface({ input: process.stdin });
    lines.on("line", (line) => {
      const out = JSON.parse(line).map(([tex, display]) =>
        adaptor.outerHTML(MathJax.tex2svg(tex, { display })));
      process.stdout.write(JSON.stringify(out) + "\n");
    });
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
