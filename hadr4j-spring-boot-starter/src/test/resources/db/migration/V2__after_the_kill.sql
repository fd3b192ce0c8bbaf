CREATE TABLE after_kill (id int PRIMARY KEY);
