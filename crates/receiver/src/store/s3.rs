//! Envelopes in S3-compatible object storage, through the `object_store` crate.
//!
//! Objects: `<prefix>/<id>.record.json`, then `<prefix>/<id>.envelope`. A PUT is atomic (an
//! object is never visible partially written) and durable once S3 answers, so the envelope's PUT
//! is the commit point, as the link is for [`FsStore`](super::FsStore). It is conditional
//! (`If-None-Match: *`), so that of two receivers racing on one id only one writes; a store that
//! ignores the condition still gets one copy per id from one receiver, whose puts of an id are
//! serialised. A record without an envelope (a put interrupted between the two) is overwritten
//! by the retry.

use super::{valid_id, BoxFuture, Item, Put, Store, StoreError};
use bytes::Bytes;
use hmac::{KeyInit, Mac};
use http_body_util::BodyExt;
use hyper_util::client::legacy::connect::HttpConnector as HttpConnectorHyper;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use object_store::aws::AmazonS3Builder;
use object_store::client::{
    ClientOptions, HttpClient, HttpConnector, HttpError, HttpErrorKind, HttpRequest,
    HttpRequestBody, HttpResponse, HttpResponseBody, HttpService,
};
use object_store::client::{
    CryptoProvider, DigestAlgorithm, DigestContext, HmacContext, Signer, SigningAlgorithm,
};
use object_store::path::Path;
use object_store::{GetOptions, ObjectStore, PutMode, PutOptions, PutPayload};
use sha2::{Digest, Sha256};
use std::sync::Arc;

const STRIPES: usize = 64;

/// Envelopes in an S3 bucket under a prefix.
pub struct S3Store {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    description: String,
    // Puts of one id are serialised in this process (record and envelope are two objects).
    stripes: Vec<tokio::sync::Mutex<()>>,
}

impl S3Store {
    /// `s3://BUCKET[/PREFIX]`, with the endpoint, region and credentials from the environment
    /// (`AWS_ENDPOINT`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_ALLOW_HTTP`, …, as `object_store` reads them).
    pub fn from_env(url: &str) -> Result<Self, StoreError> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| StoreError::Io(format!("{url}: not an s3:// URL")))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        Self::with_builder(builder, prefix)
    }

    /// A store from a configured builder (bucket, endpoint, credentials set), under `prefix`.
    pub fn with_builder(builder: AmazonS3Builder, prefix: &str) -> Result<Self, StoreError> {
        let s3 = builder
            .with_crypto_provider(Arc::new(RustCrypto))
            .with_http_connector(PlainHttp)
            .build()
            .map_err(|e| StoreError::Io(e.to_string()))?;
        let prefix = prefix.trim_matches('/').to_owned();
        Ok(Self {
            description: format!("S3 {s3}/{prefix}"),
            store: Arc::new(s3),
            prefix,
            stripes: (0..STRIPES).map(|_| tokio::sync::Mutex::new(())).collect(),
        })
    }

    fn path(&self, id: &str, suffix: &str) -> Path {
        if self.prefix.is_empty() {
            Path::from(format!("{id}{suffix}"))
        } else {
            Path::from(format!("{}/{id}{suffix}", self.prefix))
        }
    }

    async fn fetch(&self, path: &Path) -> Result<Option<Bytes>, StoreError> {
        match self.store.get_opts(path, GetOptions::default()).await {
            Ok(r) => Ok(Some(r.bytes().await.map_err(io)?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(io(e)),
        }
    }

    async fn compare(&self, path: &Path, bytes: &[u8]) -> Result<Put, StoreError> {
        match self.fetch(path).await? {
            Some(stored) if stored == bytes => Ok(Put::AlreadyStored),
            Some(_) => Err(StoreError::Conflict),
            None => Err(StoreError::Io(format!("{path} vanished"))),
        }
    }

    async fn put_item(&self, item: Item) -> Result<Put, StoreError> {
        if !valid_id(&item.id) {
            return Err(StoreError::InvalidId);
        }
        let stripe = item
            .id
            .bytes()
            .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b.into()))
            % STRIPES;
        let _guard = self.stripes[stripe].lock().await;

        let envelope_path = self.path(&item.id, ".envelope");
        if self.fetch(&envelope_path).await?.is_some() {
            return self.compare(&envelope_path, &item.envelope).await;
        }
        self.store
            .put_opts(
                &self.path(&item.id, ".record.json"),
                PutPayload::from_bytes(item.record),
                PutOptions::default(),
            )
            .await
            .map_err(io)?;
        let create = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        match self
            .store
            .put_opts(
                &envelope_path,
                PutPayload::from_bytes(item.envelope.clone()),
                create,
            )
            .await
        {
            Ok(_) => Ok(Put::Stored),
            Err(
                object_store::Error::AlreadyExists { .. }
                | object_store::Error::Precondition { .. },
            ) => self.compare(&envelope_path, &item.envelope).await,
            Err(e) => Err(io(e)),
        }
    }
}

fn io(e: object_store::Error) -> StoreError {
    StoreError::Io(e.to_string())
}

impl Store for S3Store {
    fn put(&self, item: Item) -> BoxFuture<'_, Result<Put, StoreError>> {
        Box::pin(self.put_item(item))
    }

    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, StoreError>> {
        Box::pin(async move {
            if !valid_id(id) {
                return Err(StoreError::InvalidId);
            }
            self.fetch(&self.path(id, ".envelope")).await
        })
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}

/// Plain HTTP/1.1 to the S3 endpoint through hyper's client: the receiver carries no TLS stack
/// (docs/RECEIVER.md, "S3").
#[derive(Debug)]
struct PlainHttp;

impl HttpConnector for PlainHttp {
    fn connect(&self, _options: &ClientOptions) -> object_store::Result<HttpClient> {
        let client = Client::builder(TokioExecutor::new()).build_http::<HttpRequestBody>();
        Ok(HttpClient::new(HyperService(client)))
    }
}

#[derive(Debug)]
struct HyperService(Client<HttpConnectorHyper, HttpRequestBody>);

#[async_trait::async_trait]
impl HttpService for HyperService {
    async fn call(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        let response = self.0.request(req).await.map_err(|e| {
            let kind = if e.is_connect() {
                HttpErrorKind::Connect
            } else {
                HttpErrorKind::Request
            };
            HttpError::new(kind, e)
        })?;
        Ok(response.map(|body| {
            HttpResponseBody::new(body.map_err(|e| HttpError::new(HttpErrorKind::Interrupted, e)))
        }))
    }
}

/// SHA-256 and HMAC-SHA256 for the AWS request signer, from RustCrypto (the project's crypto
/// crates) rather than `ring` or `aws-lc-rs`. S3 needs no signing with a private key.
#[derive(Debug)]
struct RustCrypto;

fn unsupported(what: &str) -> object_store::Error {
    object_store::Error::NotSupported {
        source: format!("{what} is not available in the receiver's crypto provider").into(),
    }
}

impl CryptoProvider for RustCrypto {
    fn digest(&self, algorithm: DigestAlgorithm) -> object_store::Result<Box<dyn DigestContext>> {
        match algorithm {
            DigestAlgorithm::Sha256 => Ok(Box::new(Sha256Context {
                hasher: Sha256::new(),
                out: Vec::new(),
            })),
            _ => Err(unsupported("this digest")),
        }
    }

    fn hmac(
        &self,
        algorithm: DigestAlgorithm,
        secret: &[u8],
    ) -> object_store::Result<Box<dyn HmacContext>> {
        match algorithm {
            DigestAlgorithm::Sha256 => {
                let mac = hmac::Hmac::<Sha256>::new_from_slice(secret)
                    .map_err(|_| unsupported("an HMAC key of this length"))?;
                Ok(Box::new(HmacSha256Context {
                    mac: Some(mac),
                    out: Vec::new(),
                }))
            }
            _ => Err(unsupported("this HMAC")),
        }
    }

    fn sign(
        &self,
        _algorithm: SigningAlgorithm,
        _pem: &[u8],
    ) -> object_store::Result<Box<dyn Signer>> {
        Err(unsupported("signing with a private key"))
    }
}

struct Sha256Context {
    hasher: Sha256,
    out: Vec<u8>,
}

impl DigestContext for Sha256Context {
    fn update(&mut self, data: &[u8]) {
        self.hasher.update(data);
    }

    fn finish(&mut self) -> object_store::Result<&[u8]> {
        self.out = std::mem::take(&mut self.hasher).finalize().to_vec();
        Ok(&self.out)
    }
}

struct HmacSha256Context {
    // `Option` so that `finish` can consume it.
    mac: Option<hmac::Hmac<Sha256>>,
    out: Vec<u8>,
}

impl HmacContext for HmacSha256Context {
    fn update(&mut self, data: &[u8]) {
        if let Some(mac) = &mut self.mac {
            mac.update(data);
        }
    }

    fn finish(&mut self) -> object_store::Result<&[u8]> {
        let mac = self
            .mac
            .take()
            .ok_or_else(|| unsupported("finishing an HMAC twice"))?;
        self.out = mac.finalize().into_bytes().to_vec();
        Ok(&self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crypto_provider_matches_rfc_4231() {
        // RFC 4231, test case 2; then FIPS 180-2, "abc".
        let mut mac = RustCrypto.hmac(DigestAlgorithm::Sha256, b"Jefe").unwrap();
        mac.update(b"what do ya want ");
        mac.update(b"for nothing?");
        assert_eq!(
            minseal::hex::encode(mac.finish().unwrap()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let mut d = RustCrypto.digest(DigestAlgorithm::Sha256).unwrap();
        d.update(b"abc");
        assert_eq!(
            minseal::hex::encode(d.finish().unwrap()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
