"""`oitwatch serve`: the web page where a webmaster checks their site, and a staff dashboard."""
