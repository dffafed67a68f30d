"""Jobs: postings, applications from three doors, career fairs, the hiring pipeline."""
