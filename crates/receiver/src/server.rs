//! The HTTP side: `POST /envelopes`, limits checked before any work, a bounded queue in front of
//! a fixed number of workers, and the acknowledgement only after the store made it durable.

use crate::acceptor::{Acceptor, Form, Refusal};
use crate::store::{Item, Store, StoreError};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use minseal::ErrorCode;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The service's limits.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest request body, in bytes (413 `too_large` beyond, before it is read when the request
    /// declares its length).
    pub max_body: usize,
    /// Envelopes opened at once (each on its own blocking thread).
    pub workers: usize,
    /// Requests admitted at once, reading, queued, opening or storing; one more gets 503
    /// `overloaded` without its body being read. Memory is bounded by this times `max_body`.
    pub max_in_flight: usize,
    /// Time allowed to send the body (408 `timeout` after it), so a slow sender cannot hold an
    /// admission slot for ever.
    pub body_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            max_body: 16 * 1024 * 1024,
            workers,
            max_in_flight: 64,
            body_timeout: Duration::from_secs(30),
        }
    }
}

struct App {
    acceptor: Arc<dyn Acceptor>,
    store: Arc<dyn Store>,
    limits: Limits,
    admitted: Arc<Semaphore>,
    workers: Arc<Semaphore>,
}

/// The service as an axum router.
pub fn router(acceptor: Arc<dyn Acceptor>, store: Arc<dyn Store>, limits: Limits) -> Router {
    let app = App {
        acceptor,
        store,
        admitted: Arc::new(Semaphore::new(limits.max_in_flight.max(1))),
        workers: Arc::new(Semaphore::new(limits.workers.max(1))),
        limits,
    };
    Router::new()
        .route(
            "/envelopes",
            post(receive).fallback(|| async {
                refusal(&Refusal::new(405, "method_not_allowed", "use POST"))
            }),
        )
        .fallback(|| async {
            refusal(&Refusal::new(
                404,
                "not_found",
                "POST envelopes to /envelopes",
            ))
        })
        .with_state(Arc::new(app))
}

fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn refusal(r: &Refusal) -> Response {
    let mut response = json_response(r.status, &r.body());
    if r.status == 503 {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

async fn receive(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    match handle(&app, &headers, body).await {
        Ok(answer) => json_response(202, &answer),
        Err(r) => refusal(&r),
    }
}

async fn handle(app: &App, headers: &HeaderMap, body: Body) -> Result<Value, Refusal> {
    // Everything that needs no body is checked first.
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(Form::from_content_type)
        .ok_or_else(|| {
            Refusal::new(
                400,
                ErrorCode::InvalidArgument.as_str(),
                "content-type must be application/json (JSON form) or application/vnd.minseal (binary form)",
            )
        })?;
    let max = app.limits.max_body;
    let too_large = || {
        Refusal::new(
            413,
            ErrorCode::TooLarge.as_str(),
            format!("request body over {max} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    // Admission: a full house answers at once, before reading the body.
    let _admitted = Arc::clone(&app.admitted).try_acquire_owned().map_err(|_| {
        Refusal::new(
            503,
            "overloaded",
            "the receiver is at capacity; retry after a moment",
        )
    })?;

    let read = Limited::new(body, max).collect();
    let bytes: Bytes = match tokio::time::timeout(app.limits.body_timeout, read).await {
        Err(_) => {
            return Err(Refusal::new(
                408,
                "timeout",
                "the request body did not arrive in time",
            ))
        }
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => return Err(too_large()),
        Ok(Err(e)) => {
            return Err(Refusal::new(
                400,
                ErrorCode::Io.as_str(),
                format!("reading body: {e}"),
            ))
        }
        Ok(Ok(collected)) => collected.to_bytes(),
    };

    // Opening and verifying is CPU-bound: at most `workers` at once, each on a blocking thread.
    let worker = Arc::clone(&app.workers)
        .acquire_owned()
        .await
        .map_err(|_| Refusal::new(500, ErrorCode::Io.as_str(), "worker pool closed"))?;
    let acceptor = Arc::clone(&app.acceptor);
    let body = bytes.clone();
    let accepted = tokio::task::spawn_blocking(move || {
        let _worker = worker;
        acceptor.accept(form, &body)
    })
    .await
    .map_err(|e| Refusal::new(500, ErrorCode::Io.as_str(), format!("worker failed: {e}")))??;

    let mut record = serde_json::to_vec_pretty(&accepted.record)
        .map_err(|e| Refusal::new(500, ErrorCode::Io.as_str(), e.to_string()))?;
    record.push(b'\n');
    let item = Item {
        id: accepted.id,
        envelope: bytes,
        record: Bytes::from(record),
    };
    match app.store.put(item).await {
        Ok(_) => Ok(accepted.answer),
        Err(StoreError::Conflict) => Err(Refusal::new(
            409,
            "conflict",
            "an envelope with this id is already stored with different bytes",
        )),
        Err(e) => Err(Refusal::new(
            500,
            ErrorCode::Io.as_str(),
            format!("storing: {e}"),
        )),
    }
}
