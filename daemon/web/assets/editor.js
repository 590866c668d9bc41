// The weekly message editor's live counter: characters, encoding and segments of each text as
// the daemon counts them (core/sms.cpp: GSM-7 basic table 1 septet, extension table 2 and never
// split between segments, 160 in one SMS or 153 per segment; UCS-2 in UTF-16 code units, 70 or
// 67, a surrogate pair never split), the characters that force UCS-2 highlighted with their
// GSM-7 spelling offered, and the cost for the week's audience. The alphabet and the
// replacements come from the server (data-alphabet), the same tables the daemon uses; shared
// test vectors (tests/vectors/sms.json) hold both to the same answers.
"use strict";

var KibaruSms = (function () {
  function codePoints(text) {
    var out = [];
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        var d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          out.push((c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000);
          i++;
          continue;
        }
      }
      out.push(c);
    }
    return out;
  }

  function make(alphabet) {
    var septets = {};
    var i;
    var basic = codePoints(alphabet.basic);
    for (i = 0; i < basic.length; i++) septets[basic[i]] = 1;
    var ext = codePoints(alphabet.extension);
    for (i = 0; i < ext.length; i++) septets[ext[i]] = 2;
    var folds = alphabet.folds;

    function width(cp) { return septets[cp] || 0; }

    function isCombining(cp) { return cp >= 0x300 && cp <= 0x36f; }

    function transliterate(text) {
      var cps = codePoints(text);
      var out = "";
      for (var k = 0; k < cps.length; k++) {
        var cp = cps[k];
        var ch = String.fromCodePoint(cp);
        if (width(cp) > 0) out += ch;
        else if (Object.prototype.hasOwnProperty.call(folds, ch)) out += folds[ch];
        else if (!isCombining(cp)) out += ch;
      }
      return out;
    }

    function segmentsFor(widths, total, single, perSegment) {
      if (total <= single) return 1;
      var segments = 1, used = 0;
      for (var k = 0; k < widths.length; k++) {
        if (used + widths[k] > perSegment) { segments++; used = 0; }
        used += widths[k];
      }
      return segments;
    }

    // {text, encoding: "gsm7"|"ucs2", units, segments, characters, missing: [chars]}
    function measure(text, mode) {
      var sent = mode === "translit" ? transliterate(text) : text;
      var cps = codePoints(sent);
      var missing = [];
      for (var k = 0; k < cps.length; k++) {
        if (width(cps[k]) === 0) {
          var ch = String.fromCodePoint(cps[k]);
          if (missing.indexOf(ch) < 0) missing.push(ch);
        }
      }
      var encoding = mode === "ucs2" || missing.length > 0 ? "ucs2" : "gsm7";
      var widths = [], total = 0;
      for (k = 0; k < cps.length; k++) {
        var w = encoding === "gsm7" ? Math.max(width(cps[k]), 1) : (cps[k] >= 0x10000 ? 2 : 1);
        widths.push(w);
        total += w;
      }
      return {
        text: sent,
        encoding: encoding,
        units: total,
        characters: cps.length,
        segments: encoding === "gsm7" ? segmentsFor(widths, total, 160, 153)
                                      : segmentsFor(widths, total, 70, 67),
        missing: missing,
        replacement: function (ch) {
          return Object.prototype.hasOwnProperty.call(folds, ch) ? folds[ch] : null;
        }
      };
    }

    return { measure: measure, transliterate: transliterate };
  }

  return { make: make };
})();

// Wires every editor on the page: <textarea data-counter="ID"> and its <output id="ID">.
(function () {
  if (typeof document === "undefined") return;
  var root = document.querySelector("[data-alphabet]");
  if (!root) return;
  var sms = KibaruSms.make(JSON.parse(root.getAttribute("data-alphabet")));
  window.kibaruSms = sms; // for the browser tests' shared vectors
  var mode = root.getAttribute("data-mode") || "auto";
  var words = JSON.parse(root.getAttribute("data-words") || "{}");

  function update(area) {
    var out = document.getElementById(area.getAttribute("data-counter"));
    var m = sms.measure(area.value, mode);
    var audience = parseInt(area.getAttribute("data-audience") || "0", 10);
    var price = parseFloat(root.getAttribute("data-price") || "0");
    var cost = audience * m.segments * price;
    var text = m.characters + " " + words.characters + " · " +
               (m.encoding === "gsm7" ? "GSM-7" : "UCS-2") + " · " + m.segments + " " +
               (m.segments > 1 ? words.segments : words.segment) + " · " +
               words.cost + " " + cost.toLocaleString(document.documentElement.lang || "fr") +
               " " + (root.getAttribute("data-currency") || "");
    out.textContent = text;
    out.setAttribute("data-encoding", m.encoding);
    out.setAttribute("data-segments", String(m.segments));
    var list = document.getElementById(area.getAttribute("data-counter") + "-missing");
    if (!list) return;
    list.textContent = "";
    m.missing.forEach(function (ch) {
      var item = document.createElement("li");
      var mark = document.createElement("mark");
      mark.textContent = ch;
      item.appendChild(mark);
      var replacement = m.replacement(ch);
      if (replacement !== null) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = words.replace + " « " + ch + " » → « " + replacement + " »";
        button.addEventListener("click", function () {
          area.value = area.value.split(ch).join(replacement);
          update(area);
          area.focus();
        });
        item.appendChild(document.createTextNode(" "));
        item.appendChild(button);
      } else {
        item.appendChild(document.createTextNode(" " + words.no_replacement));
      }
      list.appendChild(item);
    });
  }

  var areas = document.querySelectorAll("textarea[data-counter]");
  for (var i = 0; i < areas.length; i++) {
    (function (area) {
      area.addEventListener("input", function () { update(area); });
      update(area);
    })(areas[i]);
  }
})();

if (typeof module !== "undefined") module.exports = KibaruSms;
