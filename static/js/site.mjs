// Starts GOV.UK Frontend's components (menu toggle, error summary focus, radios…). A module
// file, not an inline script, so the CSP stays strict; browsers without modules get the
// plain HTML, which works without JavaScript.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
