# minitwit_embed_assets(OUTPUT APP_DIR): a custom command that writes app/sql/*.sql (in
# order) and app/static/style.css into the C++ source OUTPUT (see embed_assets.cmake).
# Used by app/CMakeLists.txt and by the fuzzers' separate clang build.
function(minitwit_embed_assets output app_dir)
  file(GLOB sql_files CONFIGURE_DEPENDS ${app_dir}/sql/*.sql)
  list(SORT sql_files)
  string(REPLACE ";" "|" sql_arg "${sql_files}")
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} -DSQL_FILES=${sql_arg} -DCSS_FILE=${app_dir}/static/style.css
            -P ${app_dir}/cmake/embed_assets.cmake
    DEPENDS ${sql_files} ${app_dir}/static/style.css ${app_dir}/cmake/embed_assets.cmake
    COMMENT "Embedding MiniTwit migrations and static assets"
    VERBATIM)  # quotes the "|" between file names for the shell
endfunction()
