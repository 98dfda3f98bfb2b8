// Format CSL-JSON items with citeproc-js (the CSL processor of Zotero and Mendeley), for the tests.
// stdin: {"style": "<CSL XML>", "locale": "<locale XML>", "jobs": [{"item": {...}, "locator": "14",
//         "label": "paragraph"}]}   (locator and label may be absent)
// stdout: [{"cite": "<html>", "entry": "<html>"}] in the order of the jobs: the citation (a note or
// the in-text form) and the bibliography entry of each item, each item cited on its own.
// One engine per run (parsing a style is the slow part); each job registers only its own item.
// Usage: NODE_PATH=<folder holding node_modules> node run.js < request.json
"use strict";
const CSL = require("citeproc");

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const items = {};
  request.jobs.forEach((job, i) => { items["job" + i] = Object.assign({}, job.item, {id: "job" + i}); });
  const sys = {
    retrieveLocale: () => request.locale,
    retrieveItem: (id) => items[id],
  };
  const engine = new CSL.Engine(sys, request.style, "en-US");
  engine.setOutputFormat("html");
  const out = request.jobs.map((job, i) => format(engine, "job" + i, job));
  process.stdout.write(JSON.stringify(out));
});

function format(engine, id, job) {
  engine.updateItems([id]);
  const cited = {id: id};
  if (job.locator) {
    cited.locator = job.locator;
    cited.label = job.label || "page";
  }
  const result = engine.processCitationCluster(
    {citationItems: [cited], properties: {noteIndex: 1}}, [], []);
  const cite = result[1].length ? result[1][0][1] : "";
  const bib = engine.makeBibliography();
  const entry = bib ? bib[1].join("").trim() : "";
  return {cite: cite, entry: entry};
}
