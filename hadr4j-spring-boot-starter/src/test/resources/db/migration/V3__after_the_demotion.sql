CREATE TABLE after_demotion (id int PRIMARY KEY);
