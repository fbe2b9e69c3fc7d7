"""The disposal record (issue 15 item 5): what was decided about an idle or low-efficiency
plot (`decision`)."""
