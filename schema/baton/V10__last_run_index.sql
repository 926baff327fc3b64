-- The original DDL gives jobchain_lst_run no index on jobchain_id, so each write of a chain's last
-- run read the whole table and, under InnoDB's repeatable read, kept every row of it locked until
-- its batch of outcomes committed: nodes writing outcomes at once waited on each other and
-- deadlocked (bench W7, 2,400 chains on three nodes), and the cost of a write grew with the number
-- of chains. Baton adds this index and nothing else to the table: its columns, and what the
-- original scheduler reads and writes there, are unchanged.
CREATE INDEX baton_lst_run_chain ON jobchain_lst_run (jobchain_id);
