"""ФНС open data on SMEs: the records and the streaming readers of the official ZIP releases.

Pure: no database, no framework. ``db.registry`` persists what these readers yield.
"""
