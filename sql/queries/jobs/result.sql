-- name: result(id)^
SELECT result, file_name, file_ascii, media_type FROM jobs WHERE id = :id AND state = 'done';
