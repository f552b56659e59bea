// Ask before a destructive form is sent: <form data-confirm="Delete this?">. Loaded on every page (base.html);
// the Content-Security-Policy allows no inline handlers, so this is where confirmations live.
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.dataset.confirm)) e.preventDefault();
    });
  });
})();
