DROP TABLE project_registry;
