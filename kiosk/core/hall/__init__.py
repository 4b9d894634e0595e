"""The hall (大厅): counters calling numbers, the display board, voice calls, shared queue.

- :mod:`.desk` what a counter may do, and its buttons;
- :mod:`.board` calls highlighted one after another on the TV;
- :mod:`.hub` following the queue log for the board streams and the speaker;
- :mod:`.announce` the chime and the spoken call, played one at a time;
- :mod:`.staff` and :mod:`.sessions` staff accounts (scrypt PINs, lock-out), logins;
- :mod:`.client`, :mod:`.rpc`, :mod:`.auth`, :mod:`.events` the hall server's clients,
  its operations, its request signatures and its event streams.
"""
