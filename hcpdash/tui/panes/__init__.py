"""panes of the hcpdash dashboard."""
