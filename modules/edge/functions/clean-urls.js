// CloudFront Function (cloudfront-js-2.0, viewer request, default behaviour only): maps the site's
// clean URLs to the keys a Next.js static export writes (trailingSlash: false writes tasks.html).
//   a path ending in "/"                         -> that path + "index.html"   (/ -> /index.html)
//   a last segment without a "."                 -> that path + ".html"        (/tasks -> /tasks.html)
//   a last segment with a "." (a file's key)     -> unchanged                  (/_next/static/x.js)
// Only the URI changes: the querystring, headers and cookies reach the origin as they came.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  } else if (uri.slice(uri.lastIndexOf('/') + 1).indexOf('.') === -1) {
    request.uri = uri + '.html';
  }
  return request;
}
