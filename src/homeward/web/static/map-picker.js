// Pick a subscriber's place on the map of China (web/map_picker.py draws it): a click
// fills latitude and longitude and clears the gazetteer choice; typed coordinates move
// the marker. The frame (west, north, width, height, aspect) is read from the map.
(function () {
  "use strict";
  const map = document.getElementById("place-map");
  if (!map) { return; }
  const form = map.closest("form");
  const lat = form.querySelector("input[name=latitude]");
  const lon = form.querySelector("input[name=longitude]");
  const city = form.querySelector("select[name=adcode]");
  const marker = document.getElementById("place-marker");
  const frame = {};
  for (const key of ["west", "north", "width", "height", "aspect"]) {
    frame[key] = parseFloat(map.dataset[key]);
  }
  function show() {
    const la = parseFloat(lat.value), lo = parseFloat(lon.value);
    if (!Number.isFinite(la) || !Number.isFinite(lo)) { marker.hidden = true; return; }
    const x = (lo - frame.west) * frame.aspect / frame.width;
    const y = (frame.north - la) / frame.height;
    if (x < 0 || x > 1 || y < 0 || y > 1) { marker.hidden = true; return; }
    marker.style.left = (x * 100) + "%";
    marker.style.top = (y * 100) + "%";
    marker.hidden = false;
  }
  map.addEventListener("click", function (event) {
    const box = map.getBoundingClientRect();
    const x = (event.clientX - box.left) / box.width * frame.width;
    const y = (event.clientY - box.top) / box.height * frame.height;
    lat.value = (frame.north - y).toFixed(4);
    lon.value = (frame.west + x / frame.aspect).toFixed(4);
    if (city) { city.value = ""; }
    show();
  });
  lat.addEventListener("input", show);
  lon.addEventListener("input", show);
  show();
}());
