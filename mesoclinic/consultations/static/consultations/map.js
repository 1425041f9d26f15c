/*
 * The zone map of the consultation form: pick a concern, then tap (or press Enter/Space on)
 * the zones it affects.
 *
 * Progressive enhancement: the form works without this script as one checkbox group per
 * concern (inputs named "concern_<code>", values the zone codes), and the form posts those
 * checkboxes. This script only shows the map (#zone-map, hidden in the HTML) and ticks the
 * same checkboxes, so the checkboxes stay the single source of truth; ticking a checkbox by
 * hand repaints the map too.
 *
 * Selectors (stable, for tests): concern buttons  #zone-map button[data-concern="<code>"]
 *                                 zones            #zone-map [data-zone="<code>"]
 *                                 live status      #zone-map-status
 * A bilateral zone's other side is a second element, [data-zone-mirror="<code>"]: tapping it
 * toggles the same zone, and it is painted with it.
 * No libraries, no inline handlers (the CSP forbids them). Pointer events serve mouse, pen and
 * touch alike; a press that moves more than a few pixels is a scroll, not a tap.
 */
(function () {
  "use strict";

  var TAP_SLOP_PX = 10;
  var map = document.getElementById("zone-map");
  if (!map || map.getAttribute("data-mode") !== "edit") {
    return;
  }
  var form = map.closest("form");
  if (!form) {
    return;
  }
  var buttons = Array.prototype.slice.call(map.querySelectorAll("button[data-concern]"));
  var zones = Array.prototype.slice.call(map.querySelectorAll("[data-zone]"));
  var mirrors = Array.prototype.slice.call(map.querySelectorAll("[data-zone-mirror]"));
  var status = document.getElementById("zone-map-status");
  var concerns = buttons.map(function (button) { return button.getAttribute("data-concern"); });
  var active = null;

  function checkbox(concern, zone) {
    var boxes = form.querySelectorAll('input[type="checkbox"][name="concern_' + concern + '"]');
    for (var i = 0; i < boxes.length; i += 1) {
      if (boxes[i].value === zone) {
        return boxes[i];
      }
    }
    return null;
  }

  function concernName(code) {
    for (var i = 0; i < buttons.length; i += 1) {
      if (buttons[i].getAttribute("data-concern") === code) {
        return buttons[i].getAttribute("title") || buttons[i].textContent.trim();
      }
    }
    return code;
  }

  function concernsOf(zone) {
    return concerns.filter(function (code) {
      var box = checkbox(code, zone);
      return box !== null && box.checked;
    });
  }

  function announce(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function paint() {
    zones.forEach(function (element) {
      var zone = element.getAttribute("data-zone");
      var marked = concernsOf(zone);
      var classes = ["zone"];
      if (marked.length > 0) {
        classes.push("marked", "concern-" + marked[0]);
      }
      if (marked.length > 1) {
        classes.push("multi");
      }
      var on = active !== null && marked.indexOf(active) !== -1;
      if (on) {
        classes.push("active");
      }
      element.setAttribute("class", classes.join(" "));
      element.setAttribute("aria-checked", on ? "true" : "false");
      mirrors.forEach(function (mirror) {
        if (mirror.getAttribute("data-zone-mirror") === zone) {
          mirror.setAttribute("class", classes.join(" "));
        }
      });
      var name = element.getAttribute("data-name") || zone;
      var title = element.querySelector("title");
      if (title) {
        title.textContent = marked.length ? name + ": " + marked.map(concernName).join(", ") : name;
      }
    });
  }

  function setActive(code) {
    active = code;
    buttons.forEach(function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-concern") === code ? "true" : "false");
    });
    paint();
    var picked = zones.filter(function (element) {
      return element.getAttribute("aria-checked") === "true";
    }).map(function (element) { return element.getAttribute("data-name"); });
    announce(concernName(code) + ": " + (picked.length ? picked.join(", ") : "no zones yet") + ".");
  }

  function toggle(element) {
    if (active === null) {
      announce("Pick a concern first.");
      return;
    }
    var box = checkbox(active, element.getAttribute("data-zone"));
    if (box === null) {
      return;
    }
    box.checked = !box.checked;
    paint();
    var group = box.closest("details");
    if (group && box.checked) {
      group.open = true;
    }
    announce(element.getAttribute("data-name") + (box.checked ? " marked for " : " cleared for ") +
      concernName(active) + ".");
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      setActive(button.getAttribute("data-concern"));
    });
  });

  function zoneElement(code) {
    for (var i = 0; i < zones.length; i += 1) {
      if (zones[i].getAttribute("data-zone") === code) {
        return zones[i];
      }
    }
    return null;
  }

  function onTap(element, target) {
    var start = null;
    element.addEventListener("pointerdown", function (event) {
      if (event.isPrimary && event.button === 0) {
        start = { x: event.clientX, y: event.clientY };
      }
    });
    element.addEventListener("pointercancel", function () { start = null; });
    element.addEventListener("pointerleave", function () { start = null; });
    element.addEventListener("pointerup", function (event) {
      if (start === null || !event.isPrimary) {
        return;
      }
      var moved = Math.abs(event.clientX - start.x) + Math.abs(event.clientY - start.y);
      start = null;
      if (moved <= TAP_SLOP_PX) {
        event.preventDefault();
        toggle(target);
      }
    });
  }

  mirrors.forEach(function (mirror) {
    var target = zoneElement(mirror.getAttribute("data-zone-mirror"));
    if (target !== null) {
      onTap(mirror, target);
    }
  });

  zones.forEach(function (element) {
    onTap(element, element);
    element.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
        event.preventDefault();
        toggle(element);
      }
    });
  });

  form.addEventListener("change", function (event) {
    var name = event.target && event.target.name;
    if (typeof name === "string" && name.indexOf("concern_") === 0) {
      paint();
    }
  });

  map.hidden = false;
  // Start on the first concern that already has zones, else the first concern.
  var start = concerns.filter(function (code) {
    return zones.some(function (element) {
      return concernsOf(element.getAttribute("data-zone")).indexOf(code) !== -1;
    });
  })[0] || concerns[0];
  if (start) {
    setActive(start);
  }
}());
