// Builds the committed front end: `npm ci && npm run build`, then commit static/.
// Compiles frontend/site.scss (GOV.UK Frontend with the DIZ's brand) with Dart Sass and
// copies the pinned libraries' browser files, with their licences, into static/vendor/.
// The app never runs Node: whitenoise serves what this writes.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import * as sass from "sass";

const version = (pkg) =>
  JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, "utf8")).version;

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

const css = sass.compile("frontend/site.scss", {
  style: "compressed",
  loadPaths: ["node_modules"],
  // GOV.UK Frontend's own deprecation notices are not ours to fix.
  quietDeps: true,
});
const banner = `/* DIZ Portal: GOV.UK Frontend ${version("govuk-frontend")} with the DIZ brand. Built by npm run build from frontend/site.scss; do not edit. */\n`;
writeFileSync("static/css/site.css", banner + css.css + "\n");

const govuk = "node_modules/govuk-frontend/dist/govuk";
rmSync("static/vendor/govuk-frontend", { recursive: true, force: true });
// Source maps come too: the hashed-name storage refuses a sourceMappingURL it cannot find.
for (const file of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  copy(`${govuk}/${file}`, `static/vendor/govuk-frontend/${file}`);
}
writeFileSync(
  "static/vendor/govuk-frontend/LICENCE.txt",
  `GOV.UK Frontend ${version("govuk-frontend")}: MIT License, Crown copyright (c) Government Digital Service.\n` +
    "https://github.com/alphagov/govuk-frontend/blob/main/LICENSE.txt\n",
);

rmSync("static/vendor/leaflet", { recursive: true, force: true });
for (const file of ["leaflet.js", "leaflet.js.map", "leaflet.css", "images/layers.png", "images/layers-2x.png",
  "images/marker-icon.png", "images/marker-icon-2x.png", "images/marker-shadow.png"]) {
  copy(`node_modules/leaflet/dist/${file}`, `static/vendor/leaflet/${file}`);
}
copy("node_modules/leaflet/LICENSE", "static/vendor/leaflet/LICENSE.txt");

rmSync("static/vendor/leaflet.markercluster", { recursive: true, force: true });
for (const file of ["leaflet.markercluster.js", "leaflet.markercluster.js.map", "MarkerCluster.css", "MarkerCluster.Default.css"]) {
  copy(`node_modules/leaflet.markercluster/dist/${file}`, `static/vendor/leaflet.markercluster/${file}`);
}
copy("node_modules/leaflet.markercluster/MIT-LICENCE.txt", "static/vendor/leaflet.markercluster/MIT-LICENCE.txt");

console.log(`Built static/css/site.css (${css.css.length} bytes) and static/vendor/.`);
