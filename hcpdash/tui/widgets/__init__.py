"""widgets of the hcpdash dashboard."""
