"""Geo-targeted missing-child alerts with reliable delivery.

- :mod:`~homeward.alerts.schedule`: the radius that widens with time (100/200/300/500 km
  at 0/1/2/3 h by default, per alert), frozen at expiry.
- :mod:`~homeward.alerts.geo`: haversine distances, bounding boxes, China's extent.
- :mod:`~homeward.alerts.spatial`: subscribers within a radius (k-d tree on the unit
  sphere in memory; box prefilter and exact haversine on the database).
- :mod:`~homeward.alerts.subscriptions`: subscribe and unsubscribe.
- :mod:`~homeward.alerts.messages`, :mod:`~homeward.alerts.signing`: what a delivery
  says, its signed links and webhook signatures.
- :mod:`~homeward.alerts.channels`, :mod:`~homeward.alerts.ssrf`: e-mail, webhook and
  inbox senders; webhook addresses checked against SSRF.
- :mod:`~homeward.alerts.queue`, :mod:`~homeward.alerts.worker`: the outbox, leases,
  retries with backoff, dead letters; the ``homeward worker`` loop.
- :mod:`~homeward.alerts.receiver`: a webhook receiver that verifies and deduplicates.

Publishing, updating and closing an alert are workflow steps (workflow/alerts.py).
"""
