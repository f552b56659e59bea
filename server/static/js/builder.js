// Checklist builder: live validation while typing, type-specific fields and visible_if in the preview
// (delete confirmations: confirm.js). Plain JS; every page works without it.
(function () {
  "use strict";

  function debounce(fn, ms) {
    let timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  function list(messages) {
    const ul = document.createElement("ul");
    ul.className = "b-issues-inline";
    messages.forEach(function (text) {
      const li = document.createElement("li");
      li.textContent = text;
      ul.appendChild(li);
    });
    return ul;
  }

  function showFieldErrors(form, errors) {
    form.querySelectorAll(".field-error.b-js").forEach(function (p) { p.remove(); });
    form.querySelectorAll(".field.b-js-invalid").forEach(function (f) { f.classList.remove("invalid", "b-js-invalid"); });
    Object.keys(errors || {}).forEach(function (name) {
      const input = form.querySelector('[name="' + name + '"]');
      const field = input && input.closest(".field");
      if (!field) return;
      field.classList.add("invalid", "b-js-invalid");
      errors[name].forEach(function (text) {
        const p = document.createElement("p");
        p.className = "field-error b-js";
        p.textContent = text;
        field.appendChild(p);
      });
    });
  }

  function liveValidation(form) {
    const box = form.querySelector(".b-live");
    if (!box) return;
    let sent = 0;
    const check = debounce(function () {
      const mine = ++sent;
      const token = form.querySelector('[name="csrf_token"]').value;
      fetch(form.dataset.validate, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-CSRFToken": token, "Accept": "application/json" }
      }).then(function (r) { return r.json(); }).then(function (data) {
        if (mine !== sent) return;  // a newer check is on its way
        box.textContent = "";
        const messages = (data.issues || []).map(function (i) { return i.message; });
        if (messages.length) box.appendChild(list(messages));
        box.dataset.checked = String(mine);
        showFieldErrors(form, data.errors);
      }).catch(function () { /* offline or expired: the save still validates */ });
    }, 350);
    form.addEventListener("input", check);
    form.addEventListener("change", check);
  }

  function typedFields(form) {
    const type = form.querySelector('[name="type"]');
    if (!type) return;
    function update() {
      form.querySelectorAll(".b-typed").forEach(function (set) {
        set.hidden = set.dataset.types.split(" ").indexOf(type.value) < 0;
      });
    }
    const critical = form.querySelector('[name="critical"]');
    const policy = form.querySelector('[name="critical_policy"]');
    function updatePolicy() { policy.closest(".field").hidden = !critical.checked; }
    type.addEventListener("change", update);
    update();
    if (critical && policy) {
      critical.addEventListener("change", updatePolicy);
      updatePolicy();
    }
  }

  document.querySelectorAll("form[data-validate]").forEach(function (form) {
    liveValidation(form);
    typedFields(form);
  });

  // Preview: a question with a condition is shown when the earlier question it names is shown
  // and answered (not N/A) with one of the listed values (JSON equality, typed like the answer).
  const preview = document.getElementById("preview-form");
  if (!preview) return;
  function answer(box) {
    const key = box.dataset.key;
    const na = preview.querySelector('[name="na-' + key + '"]');
    if (na && na.checked) return undefined;
    const checked = preview.querySelector('[name="a-' + key + '"]:checked');
    const input = checked || preview.querySelector('[name="a-' + key + '"]:not([type=radio])');
    if (!input || input.value.trim() === "") return undefined;
    const type = box.dataset.type;
    if (type === "scale" || type === "number") return Number(input.value);
    return input.value;
  }
  function applyVisibility() {
    const shown = {}, values = {};
    preview.querySelectorAll(".pq").forEach(function (box) {
      let visible = true;
      if (box.dataset.visibleIf) {
        const rule = JSON.parse(box.dataset.visibleIf);
        const value = values[rule.question];
        visible = !!shown[rule.question] && value !== undefined && rule.in.some(function (v) { return v === value; });
      }
      box.hidden = !visible;
      shown[box.dataset.key] = visible;
      values[box.dataset.key] = answer(box);
    });
  }
  preview.addEventListener("input", applyVisibility);
  preview.addEventListener("change", applyVisibility);
  applyVisibility();
})();
