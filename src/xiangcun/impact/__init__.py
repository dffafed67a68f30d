"""What the programme did for the county: daily fact tables filled from every app's selectors,
and the dashboard, exports, reports, public page and API that read only those facts."""
