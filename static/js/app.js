// BrightStar Box Office: the little behaviour htmx does not give for free.
// Loaded as a file (never inline) so the page runs under a strict CSP.
(function () {
  "use strict";
  // The active language's strings come from Django's JavaScript catalog (/jsi18n/, loaded first by _base.html).
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (text, data) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) { return data[name]; });
  };

  var inFlight = 0;
  function setBusy(delta) {
    inFlight = Math.max(0, inFlight + delta);
    document.body.classList.toggle("is-busy", inFlight > 0);
  }

  function showAlert(text) {
    var alerts = document.getElementById("alerts");
    if (!alerts) return;
    alerts.innerHTML = "";
    var box = document.createElement("div");
    box.className = "alert alert-offline";
    box.setAttribute("role", "alert");
    var strong = document.createElement("strong");
    strong.textContent = text;
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "link";
    dismiss.setAttribute("data-dismiss", "");
    dismiss.textContent = gettext("Dismiss");
    box.appendChild(strong);
    box.appendChild(dismiss);
    alerts.appendChild(box);
  }

  // A filter form's search box filters as you type (components/filters.html). Its change event,
  // fired on blur, must not reach the form and filter again: when the blur is a click on the
  // pager, that second request races the link's, and the address says page 2 over page 1.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches("form.filters input[type=search]")) event.stopPropagation();
  }, true);

  // A door phone's copy of a guest list (door-device.js) never outlives the session that took it.
  if (!document.querySelector("form.logout") && window.indexedDB && indexedDB.databases) {
    indexedDB.databases().then(function (all) {
      all.forEach(function (db) { if (db.name && db.name.indexOf("brightstar-door:") === 0) indexedDB.deleteDatabase(db.name); });
    }).catch(function () {});
  }

  document.addEventListener("htmx:beforeRequest", function () { setBusy(1); });
  document.addEventListener("htmx:afterRequest", function () { setBusy(-1); });

  // The dashboard itself did not answer (bad Wi-Fi): say so, never fail silently.
  document.addEventListener("htmx:sendError", function () {
    showAlert(gettext("No connection to the dashboard. Check the Wi-Fi and try again; nothing was lost."));
  });
  document.addEventListener("htmx:timeout", function () {
    showAlert(gettext("No answer from the dashboard. Check the Wi-Fi and try again."));
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 403) return; // the 403 fragment is swapped in place by the view
    showAlert(interpolate(gettext("The dashboard could not do that (error %(status)s). Nothing was lost; try again."), {status: status}, true));
  });
  // 403 and 422 carry a message fragment meant to be shown where the user is.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 403 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
    var dismiss = event.target.closest("[data-dismiss]");
    if (dismiss) {
      var box = dismiss.closest(".alert, .toast");
      if (box) box.remove();
    }
  });

  // "/" jumps to the order search from anywhere, as in most dashboards.
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    var typing = tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable;
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey) {
      var search = document.getElementById("order-search");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    }
    if (event.key === "Escape") {
      var results = document.getElementById("lookup-results");
      if (results) results.innerHTML = "";
    }
  });

  // Stacked tables (table.stack in app.css) are display: block on a phone, and some browsers then
  // stop announcing them as tables: say what they are, explicitly.
  var ROLES = { TABLE: "table", THEAD: "rowgroup", TBODY: "rowgroup", TFOOT: "rowgroup", TR: "row", TD: "cell" };
  function tableRoles(table) {
    table.setAttribute("role", "table");
    table.querySelectorAll("thead, tbody, tfoot, tr, th, td").forEach(function (el) {
      if (el.closest("table") !== table) return;  // a table inside a cell keeps its own
      var role = el.tagName === "TH" ? (el.getAttribute("scope") === "row" ? "rowheader" : "columnheader") : ROLES[el.tagName];
      el.setAttribute("role", role);
    });
  }
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail.elt;
    var around = root.closest && root.closest("table.stack");
    if (around) tableRoles(around);
    if (root.querySelectorAll) root.querySelectorAll("table.stack").forEach(tableRoles);
  });

  // A confirmation (e.g. orders/_refund_confirm.html) swapped in by htmx arrives as a closed
  // <dialog data-modal>: shown modal here, so focus stays inside it until staff answer.
  function openDialogs(root) {
    (root || document).querySelectorAll("dialog[data-modal]").forEach(function (dialog) {
      if (dialog.open || dialog.hasAttribute("data-shown")) return;
      dialog.setAttribute("data-shown", "");
      dialog.showModal();
      dialog.addEventListener("close", function () {
        // Back to the form it confirms, where the focus was before.
        var back = document.getElementById("refund-submit");
        dialog.remove();
        if (back) back.focus();
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { openDialogs(); });
  document.addEventListener("htmx:load", function (event) { openDialogs(event.detail.elt); });
  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-close-dialog]");
    if (close && close.closest("dialog")) close.closest("dialog").close();
  });

  // Ticking tickets on a refund form fills in what they cost, written as the field reads amounts.
  document.addEventListener("change", function (event) {
    var box = event.target;
    var form = box.closest && box.closest("form[data-refund-form]");
    if (!form || !box.hasAttribute("data-cents")) return;
    var cents = 0;
    form.querySelectorAll("input[data-cents]:checked").forEach(function (ticked) {
      cents += parseInt(ticked.getAttribute("data-cents"), 10) || 0;
    });
    if (!cents) return;
    var places = parseInt(form.getAttribute("data-exponent"), 10) || 0;
    var whole = Math.floor(cents / Math.pow(10, places));
    var text = String(whole);
    if (places) {
      var fraction = String(cents % Math.pow(10, places));
      while (fraction.length < places) fraction = "0" + fraction;
      text += form.getAttribute("data-decimal") + fraction;
    }
    form.querySelector("input[name=amount]").value = text;
  });

})();
