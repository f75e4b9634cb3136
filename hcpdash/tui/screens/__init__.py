"""screens of the hcpdash dashboard."""
