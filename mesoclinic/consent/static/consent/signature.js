// The signature pad: draw with a finger, stylus or mouse (pointer events) on a canvas; on
// submit, the drawing goes into the hidden "signature" input as a PNG data URL. Without this
// script the pad stays hidden and the typed-name method works alone. The server checks the
// drawing again (size, ink): nothing here is trusted.
(function () {
  "use strict";
  var form = document.querySelector("[data-signature-form]");
  if (!form) { return; }
  var pad = form.querySelector("[data-signature-pad]");
  var canvas = pad.querySelector("canvas");
  var input = form.querySelector("input[name=signature]");
  var clearButton = pad.querySelector("[data-signature-clear]");
  var radios = form.querySelectorAll("input[name=method]");
  var context = canvas.getContext("2d");
  var drawn = false;
  var drawing = false;
  var sized = false;

  function method() {
    for (var i = 0; i < radios.length; i += 1) {
      if (radios[i].checked) { return radios[i].value; }
    }
    return "";
  }

  // The canvas gets one device pixel per pixel drawn, once, when it is first shown; CSS may
  // scale it later (rotation), so points are mapped through its current on-screen size.
  function size() {
    if (sized) { return; }
    var rect = canvas.getBoundingClientRect();
    if (rect.width === 0) { return; }
    var ratio = Math.min(Math.max(window.devicePixelRatio || 1, 1), 3);
    canvas.width = Math.round(rect.width * ratio);
    canvas.height = Math.round(rect.height * ratio);
    sized = true;
    restore();
  }

  function pen() {
    var scale = canvas.width / canvas.getBoundingClientRect().width;
    context.lineWidth = 2.5 * scale;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#111";
    context.fillStyle = "#111";
  }

  function point(event) {
    var rect = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - rect.left) * (canvas.width / rect.width),
      y: (event.clientY - rect.top) * (canvas.height / rect.height)
    };
  }

  // A drawing sent back after another error is drawn again, so the patient need not re-sign.
  function restore() {
    if (input.value.indexOf("data:image/png;base64,") !== 0) { return; }
    var image = new Image();
    image.onload = function () {
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      drawn = true;
    };
    image.src = input.value;
  }

  function show() {
    pad.hidden = method() !== "drawn";
    if (!pad.hidden) { size(); }
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    pen();
    var p = point(event);
    context.beginPath();
    context.arc(p.x, p.y, context.lineWidth / 2, 0, 2 * Math.PI);
    context.fill();
    context.beginPath();
    context.moveTo(p.x, p.y);
    drawn = true;
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) { return; }
    event.preventDefault();
    var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    if (events.length === 0) { events = [event]; }
    for (var i = 0; i < events.length; i += 1) {
      var p = point(events[i]);
      context.lineTo(p.x, p.y);
    }
    context.stroke();
  });
  function stop() { drawing = false; }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

  clearButton.addEventListener("click", function () {
    context.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
    input.value = "";
  });

  for (var i = 0; i < radios.length; i += 1) {
    radios[i].addEventListener("change", show);
  }

  form.addEventListener("submit", function () {
    input.value = method() === "drawn" && drawn ? canvas.toDataURL("image/png") : "";
  });

  // On a fresh form, the pad is the default: clinics sign on tablets.
  if (form.hasAttribute("data-prefer-drawn")) {
    for (var j = 0; j < radios.length; j += 1) {
      radios[j].checked = radios[j].value === "drawn";
    }
  }
  show();
}());
