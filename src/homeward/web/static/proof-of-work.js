/* The registration form's proof of work (see homeward/web/challenges.py).
 *
 * Finds a nonce such that SHA-256(challenge + nonce) begins with `bits` zero bits, the
 * nonce being a counter written in hexadecimal. Works offline and over plain HTTP (no
 * crypto.subtle, which browsers give only to secure contexts): SHA-256 is written out
 * below (FIPS 180-4). The search starts when the page opens, in slices of ~50 ms so the
 * page stays responsive; a submit before it is done waits for it.
 */
(function () {
  "use strict";

  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  var W = new Uint32Array(64);
  var H = new Uint32Array(8);
  var words = new Uint32Array(64);  /* the padded message: up to four blocks, reused */

  /* SHA-256 of an ASCII string; the digest is left in H (eight 32-bit words). */
  function sha256(text) {
    var length = text.length;
    var blocks = ((length + 8) >> 6) + 1;
    if (blocks > 4) { throw new Error("challenge too long"); }
    words.fill(0, 0, blocks * 16);
    for (var i = 0; i < length; i++) {
      words[i >> 2] |= (text.charCodeAt(i) & 0xff) << (24 - (i % 4) * 8);
    }
    words[length >> 2] |= 0x80 << (24 - (length % 4) * 8);
    words[blocks * 16 - 1] = length * 8;
    H[0] = 0x6a09e667; H[1] = 0xbb67ae85; H[2] = 0x3c6ef372; H[3] = 0xa54ff53a;
    H[4] = 0x510e527f; H[5] = 0x9b05688c; H[6] = 0x1f83d9ab; H[7] = 0x5be0cd19;
    for (var block = 0; block < blocks; block++) {
      for (var t = 0; t < 64; t++) {
        if (t < 16) {
          W[t] = words[block * 16 + t];
        } else {
          var w15 = W[t - 15], w2 = W[t - 2];
          var s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
          var s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
          W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
        }
      }
      var a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
      for (t = 0; t < 64; t++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var ch = (e & f) ^ (~e & g);
        var t1 = (h + S1 + ch + K[t] + W[t]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
    }
  }

  function leadingZeroBits() {
    var count = 0;
    for (var i = 0; i < 8; i++) {
      if (H[i] === 0) { count += 32; continue; }
      return count + Math.clz32(H[i]);
    }
    return count;
  }

  var form = document.getElementById("register-form");
  if (!form) { return; }
  var bits = parseInt(form.getAttribute("data-proof-bits"), 10);
  var challenge = form.elements.challenge.value;
  var nonceField = form.elements.nonce;
  var status = document.getElementById("proof-status");
  var done = false;
  var submitWanted = false;

  function finish(nonce) {
    nonceField.value = nonce;
    done = true;
    if (submitWanted) {
      status.textContent = status.getAttribute("data-done");
      form.submit();
    }
  }

  function work(start) {
    var deadline = Date.now() + 50;
    var n = start;
    while (Date.now() < deadline) {
      for (var i = 0; i < 2000; i++, n++) {
        var nonce = n.toString(16);
        sha256(challenge + nonce);
        if (leadingZeroBits() >= bits) { finish(nonce); return; }
      }
    }
    setTimeout(function () { work(n); }, 0);
  }

  form.addEventListener("submit", function (event) {
    if (done) { return; }
    event.preventDefault();
    submitWanted = true;
    status.hidden = false;
    status.textContent = status.getAttribute("data-working");
  });
  work(0);
})();
