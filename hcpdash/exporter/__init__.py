"""``hcpdash serve``: the monitor headless, as a Prometheus exporter.

``catalogue`` names every metric, ``collector`` renders snapshots into them,
``outcomes`` counts journaled actions, ``server`` serves ``/metrics`` and ``/healthz``.
No Textual or Rich here.
"""
