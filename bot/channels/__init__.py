"""Input channels that clean what citizens send before Rasa sees it (REST and socket.io)."""
