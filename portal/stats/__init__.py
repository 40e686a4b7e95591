"""Statistics and monitoring (issue #5): the statistics table (``figures``), the monitoring
dashboard's lists, the annual headline figures, and the 2019 replay."""
