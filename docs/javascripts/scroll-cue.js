// A graph wider than its column scrolls sideways (a phone): say so, where it happens. CSS alone
// cannot tell whether a box overflows, hence these few lines.
(() => {
  const mark = () => {
    for (const box of document.querySelectorAll(".md-typeset .graph")) {
      box.toggleAttribute("data-scrolls", box.scrollWidth > box.clientWidth + 1);
    }
  };
  addEventListener("load", mark);
  addEventListener("resize", mark);
  document.addEventListener("DOMContentLoaded", mark);
})();
