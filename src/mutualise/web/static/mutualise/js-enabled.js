// Runs first in <body>: GOV.UK Frontend's styles for pages with JavaScript (no inline script: CSP).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
