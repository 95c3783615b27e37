/* The offline certificate verifier: checks a QR token (TC1.<kid>.<body>.<signature>, or the whole QR text
   <verify address>#t=<token>) against the Ed25519 public keys written into this file, in the browser, with
   no network. WebCrypto's Ed25519 where the browser has it, else TweetNaCl (inlined before this script).
   The keys and the messages (in the language the file was made in) come from the JSON block
   #verifier-data. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("verifier-data").textContent);
  var messages = data.messages;
  var form = document.getElementById("verifier-form");
  var input = document.getElementById("token");
  var result = document.getElementById("result");

  function b64uToBytes(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) {
      throw new Error("not base64url");
    }
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) {
      b64 += "=";
    }
    var binary = atob(b64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  }

  function tokenOf(text) {
    var value = text.replace(/\s+/g, "");
    var at = value.indexOf("#t=");
    return at >= 0 ? value.slice(at + 3) : value;
  }

  async function verifyEd25519(publicKey, signature, message) {
    if (window.crypto && window.crypto.subtle) {
      var key = null;
      try {
        key = await window.crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
      } catch (unsupported) {
        key = null; // no Ed25519 in this browser's WebCrypto: the included verifier checks instead
      }
      if (key !== null) {
        return { ok: await window.crypto.subtle.verify({ name: "Ed25519" }, key, signature, message),
                 engine: "webcrypto" };
      }
    }
    return { ok: window.nacl.sign.detached.verify(message, signature, publicKey), engine: "tweetnacl" };
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) {
      return values[name] === undefined || values[name] === null ? "" : String(values[name]);
    });
  }

  function refuse(reason) {
    clear(result);
    result.className = "result refused";
    result.appendChild(element("h2", null, messages.not_authentic));
    result.appendChild(element("p", null, reason));
  }

  function show(claims, kid, engine) {
    clear(result);
    result.className = "result authentic";
    result.appendChild(element("h2", null, messages.authentic));
    result.appendChild(element("p", null, messages.compare));
    var list = element("dl");
    var today = new Date().toISOString().slice(0, 10);
    var rows = [
      [messages.serial, claims.s],
      [messages.name, claims.n],
      [messages.profile, claims.p],
      [messages.issued, claims.i],
      [messages.valid_until, claims.u ? claims.u : messages.no_expiry],
      [messages.key, kid]
    ];
    rows.forEach(function (row) {
      list.appendChild(element("dt", null, row[0]));
      list.appendChild(element("dd", null, row[1]));
    });
    result.appendChild(list);
    if (claims.u && claims.u < today) {
      result.appendChild(element("p", "warning", format(messages.expired, { date: claims.u })));
    }
    result.appendChild(element("p", "note", messages.status_note));
    result.appendChild(element("p", "note", engine === "webcrypto" ? messages.engine_webcrypto
                                                                   : messages.engine_included));
  }

  async function check(text) {
    var parts = tokenOf(text).split(".");
    if (parts.length !== 4 || parts[0] !== "TC1") {
      refuse(messages.not_a_token);
      return;
    }
    var kid = parts[1];
    var key = data.keys[kid];
    if (!key) {
      refuse(format(messages.unknown_key, { key: kid }));
      return;
    }
    var body, signature, publicKey;
    try {
      body = b64uToBytes(parts[2]);
      signature = b64uToBytes(parts[3]);
      publicKey = b64uToBytes(key);
    } catch (unreadable) {
      refuse(messages.unreadable);
      return;
    }
    if (signature.length !== 64) {
      refuse(messages.bad_signature);
      return;
    }
    var verdict = await verifyEd25519(publicKey, signature, body);
    if (!verdict.ok) {
      refuse(messages.bad_signature);
      return;
    }
    var claims;
    try {
      claims = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    } catch (unreadableBody) {
      refuse(messages.unreadable);
      return;
    }
    if (!isCertificateClaims(claims)) {
      // signed by this installation, but not a certificate's QR token (a status statement or signed data)
      refuse(messages.not_certificate_token);
      return;
    }
    show(claims, kid, verdict.engine);
  }

  // The claims of a certificate's QR token and nothing else: serial, name, profile, issue date, valid-until
  // date (or null) and the fingerprint of the signed data. The same key signs other documents, so an
  // authentic signature alone does not make a certificate.
  var CLAIMS = ["h", "i", "n", "p", "s", "u"];
  var DAY = /^\d{4}-\d{2}-\d{2}$/;

  function isCertificateClaims(claims) {
    if (!claims || typeof claims !== "object" || Array.isArray(claims)) {
      return false;
    }
    var keys = Object.keys(claims).sort();
    if (keys.length !== CLAIMS.length || keys.some(function (key, index) { return key !== CLAIMS[index]; })) {
      return false;
    }
    var filled = ["s", "p"].every(function (key) {
      return typeof claims[key] === "string" && claims[key].length > 0;
    });
    return filled && typeof claims.n === "string" && typeof claims.i === "string" && DAY.test(claims.i)
      && (claims.u === null || (typeof claims.u === "string" && DAY.test(claims.u)))
      && typeof claims.h === "string" && /^[A-Za-z0-9_-]{22}$/.test(claims.h);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    check(input.value).catch(function () {
      refuse(messages.unreadable);
    });
  });
})();
